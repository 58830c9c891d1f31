import type { TokenResponse } from '../../../shared/api/auth';
import type { ApiClient } from '../api/api-client';
import type { TokenSource } from '../api/api-requests';
import type { StoredCredentials } from './auth-credentials';
import type { AuthCurrent } from './auth-phase';
import { ShopRefusedError } from '../errors';
import type { Logger } from '../logging';

/**
 * The signed-in tokens: the access token only in memory, the refresh token in the keychain,
 * and a refresh planned before the access token expires (again later when the shop is
 * unreachable; a refusal signs out).
 */

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/** setTimeout's largest delay; longer waits would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface TokenKeeperOptions {
  current: AuthCurrent;
  credentials: StoredCredentials;
  timers: Timers;
  now: () => number;
  /** Refresh this long before the access token expires. */
  refreshLeadMs: number;
  /** After a failed background refresh (shop unreachable), try again this much later. */
  retryMs: number;
  log: Logger;
  /** Tells the UI the sign-in moved (here: the shop refused a refresh, so it is gone). */
  changed: () => Promise<unknown>;
}

export interface TokenKeeper {
  /** For API clients: the access token of whoever is signed in, and the shared refresh. */
  tokens: TokenSource;
  /** Signed in with these tokens: the refresh token is stored and the next refresh planned. */
  enter: (client: ApiClient, email: string, response: TokenResponse, restored: boolean) => Promise<void>;
  /** Signed out here: no more refreshes, and the keychain forgets the credential. */
  drop: (email: string) => Promise<void>;
  /** Stops the planned refresh (app exit) without signing out. */
  stop: () => void;
}

export function createTokenKeeper(options: TokenKeeperOptions): TokenKeeper {
  const { current, credentials, timers, log } = options;
  let refreshTimer: unknown = null;
  let refreshing: Promise<boolean> | null = null;

  const tokens: TokenSource = {
    accessToken: () => (current.phase.kind === 'signed_in' ? current.phase.accessToken : null),
    refreshAccessToken: () => refreshNow(),
  };

  function stop(): void {
    if (refreshTimer !== null) timers.clearTimeout(refreshTimer);
    refreshTimer = null;
  }

  function schedule(delayMs: number): void {
    stop();
    refreshTimer = timers.setTimeout(
      () => {
        refreshTimer = null;
        refreshNow().catch((error: unknown) => {
          // Shop unreachable: keep the sign-in and try again; a refusal has already signed out.
          log.warn({ err: error, retryInMs: options.retryMs }, 'refreshing the sign-in failed; trying again');
          if (current.phase.kind === 'signed_in') schedule(options.retryMs);
        });
      },
      Math.min(MAX_TIMER_MS, Math.max(1000, delayMs)),
    );
  }

  async function enter(client: ApiClient, email: string, response: TokenResponse, restored: boolean): Promise<void> {
    current.phase = {
      kind: 'signed_in',
      email,
      staff: response.staff,
      accessToken: response.accessToken,
      refreshToken: response.refreshToken,
      expiresAt: Date.parse(response.accessTokenExpiresAt),
      restored,
      client,
    };
    await credentials.save(email, response.refreshToken);
    schedule(current.phase.expiresAt - options.refreshLeadMs - options.now());
  }

  async function drop(email: string): Promise<void> {
    stop();
    current.phase = { kind: 'signed_out' };
    await credentials.forget(email);
  }

  /** One refresh at a time; concurrent callers share it. Rejects only when the shop is unreachable. */
  function refreshNow(): Promise<boolean> {
    refreshing ??= (async () => {
      const signedIn = current.phase;
      if (signedIn.kind !== 'signed_in') return false;
      try {
        const response = await signedIn.client.refresh(signedIn.refreshToken);
        if (current.phase !== signedIn) return false;
        await enter(signedIn.client, signedIn.email, response, signedIn.restored);
        return true;
      } catch (error) {
        if (error instanceof ShopRefusedError) {
          log.warn(
            { staffId: signedIn.staff.id, shop: current.shopUrl, code: error.code },
            'the shop refused to refresh the sign-in; signed out',
          );
          if (current.phase === signedIn) {
            await drop(signedIn.email);
            await options.changed();
          }
          return false;
        }
        throw error;
      }
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  return { tokens, enter, drop, stop };
}
