import type { Staff, TokenResponse } from '../../shared/api/auth';
import type { AuthState } from '../../shared/ipc/contract';
import { createApiClient, type ApiClient, type ApiClientOptions, type TokenSource } from './api-client';
import { ConsoleRefusedError, NotSignedInError, ShopRefusedError } from './errors';
import { defaultLogger, type Logger } from './logging';
import type { KeychainState } from './types';
import { shopOriginOf, type CredentialVault } from './vault';

/**
 * The agent's sign-in: password, then TOTP (the MFA challenge token stays here in main), the
 * refresh token kept in the vault, the access token only in memory and refreshed before it
 * expires. Sign-out ends every open session first (through `beforeSignOut`).
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

export interface AuthServiceOptions {
  /** The shop the console starts with (command line / settings). */
  shopUrl: string;
  vault: CredentialVault;
  onChange?: (state: AuthState) => void;
  /** Milliseconds since the epoch; injectable so tests can reason about expiry. */
  now?: () => number;
  timers?: Timers;
  /** Refresh this long before the access token expires. */
  refreshLeadMs?: number;
  /** After a failed background refresh (shop unreachable), try again this much later. */
  retryMs?: number;
  createClient?: (options: ApiClientOptions) => ApiClient;
  /** The `auth` logger: sign-ins, sign-outs, refresh and keychain trouble (never a token; staff by id). */
  logger?: Logger;
}

type Phase =
  | { kind: 'signed_out' }
  | { kind: 'mfa_required'; email: string; mfaToken: string; client: ApiClient }
  | {
      kind: 'signed_in';
      email: string;
      staff: Staff;
      accessToken: string;
      refreshToken: string;
      expiresAt: number;
      restored: boolean;
      client: ApiClient;
    };

export interface AuthService {
  state(): Promise<AuthState>;
  /** Start-up: sign in again with the keychain's refresh token for the shop, if there is one. */
  restore(): Promise<AuthState>;
  signIn(shopUrl: string, email: string, password: string): Promise<AuthState>;
  verifyMfa(code: string): Promise<AuthState>;
  signOut(): Promise<AuthState>;
  /** The signed-in API client; throws NotSignedInError when signed out. */
  client(): ApiClient;
  /**
   * The access token of whoever is signed in (null when nobody is) and the refresh the API
   * client uses: for a client of the same shop elsewhere (the audit mirror's fetching thread).
   */
  tokens(): TokenSource;
  staff(): Staff | null;
  shopUrl(): string;
  /** Runs before sign-out (the session manager ends every open session there). */
  setBeforeSignOut(hook: () => Promise<void>): void;
  /** Stops timers (app exit); does not sign out. */
  dispose(): void;
}

export function createAuthService(options: AuthServiceOptions): AuthService {
  const now = options.now ?? Date.now;
  const timers = options.timers ?? realTimers;
  const refreshLeadMs = options.refreshLeadMs ?? 60_000;
  const retryMs = options.retryMs ?? 30_000;
  const makeClient = options.createClient ?? createApiClient;
  const log = options.logger ?? defaultLogger('auth');
  let shopUrl = shopOriginOf(options.shopUrl);
  let phase: Phase = { kind: 'signed_out' };
  let refreshTimer: unknown = null;
  let refreshing: Promise<boolean> | null = null;
  let beforeSignOut: () => Promise<void> = () => Promise.resolve();
  /** Set when storing in the keychain failed during this run: the UI must say sign-in will not survive. */
  let keychainProblem: KeychainState | null = null;

  const tokens: TokenSource = {
    accessToken: () => (phase.kind === 'signed_in' ? phase.accessToken : null),
    refreshAccessToken: () => refreshNow(),
  };

  async function keychain(): Promise<KeychainState> {
    return keychainProblem ?? (await options.vault.state());
  }

  async function state(): Promise<AuthState> {
    const kc = await keychain();
    switch (phase.kind) {
      case 'signed_out':
        return {
          status: 'signed_out',
          shopUrl,
          keychain: kc,
          lastEmail: await options.vault.lastEmail(shopUrl).catch(() => null),
        };
      case 'mfa_required':
        return { status: 'mfa_required', shopUrl, keychain: kc, email: phase.email };
      case 'signed_in':
        return { status: 'signed_in', shopUrl, keychain: kc, staff: phase.staff, restored: phase.restored };
    }
  }

  async function changed(): Promise<AuthState> {
    const current = await state();
    options.onChange?.(current);
    return current;
  }

  function clearTimer(): void {
    if (refreshTimer !== null) timers.clearTimeout(refreshTimer);
    refreshTimer = null;
  }

  function schedule(delayMs: number): void {
    clearTimer();
    refreshTimer = timers.setTimeout(
      () => {
        refreshTimer = null;
        refreshNow().catch((error: unknown) => {
          // Shop unreachable: keep the sign-in and try again; a refusal has already signed out.
          log.warn({ err: error, retryInMs: retryMs }, 'refreshing the sign-in failed; trying again');
          if (phase.kind === 'signed_in') schedule(retryMs);
        });
      },
      Math.min(MAX_TIMER_MS, Math.max(1000, delayMs)),
    );
  }

  async function store(email: string, refreshToken: string): Promise<void> {
    try {
      await options.vault.save(shopUrl, email, refreshToken);
    } catch (error) {
      log.warn({ err: error }, 'the keychain refused to store the sign-in; it lasts until the console closes');
      keychainProblem = {
        available: false,
        message: `The keychain refused to store your sign-in, so it lasts until the console closes (${error instanceof Error ? error.message : String(error)}).`,
      };
    }
  }

  async function enter(client: ApiClient, email: string, response: TokenResponse, restored: boolean): Promise<void> {
    phase = {
      kind: 'signed_in',
      email,
      staff: response.staff,
      accessToken: response.accessToken,
      refreshToken: response.refreshToken,
      expiresAt: Date.parse(response.accessTokenExpiresAt),
      restored,
      client,
    };
    await store(email, response.refreshToken);
    schedule(phase.expiresAt - refreshLeadMs - now());
  }

  function forget(email: string): Promise<void> {
    return options.vault.forget(shopUrl, email).catch((error: unknown) => {
      log.warn({ err: error }, 'removing the sign-in from the keychain failed');
    });
  }

  async function dropCredential(email: string): Promise<void> {
    clearTimer();
    phase = { kind: 'signed_out' };
    await forget(email);
  }

  /** One refresh at a time; concurrent callers share it. Rejects only when the shop is unreachable. */
  function refreshNow(): Promise<boolean> {
    refreshing ??= (async () => {
      const current = phase;
      if (current.kind !== 'signed_in') return false;
      try {
        const response = await current.client.refresh(current.refreshToken);
        if (phase !== current) return false;
        await enter(current.client, current.email, response, current.restored);
        return true;
      } catch (error) {
        if (error instanceof ShopRefusedError) {
          log.warn(
            { staffId: current.staff.id, shop: shopUrl, code: error.code },
            'the shop refused to refresh the sign-in; signed out',
          );
          if (phase === current) {
            await dropCredential(current.email);
            await changed();
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

  return {
    state,
    tokens: () => tokens,
    async restore() {
      if (phase.kind !== 'signed_out') return state();
      const stored = await options.vault.restore(shopUrl).catch(() => null);
      if (!stored) return changed();
      const client = makeClient({ shopUrl, tokens });
      try {
        const response = await client.refresh(stored.refreshToken);
        await enter(client, stored.email, response, true);
        log.info({ staffId: response.staff.id, shop: shopUrl }, 'sign-in restored from the keychain');
      } catch (error) {
        // A refused refresh means the stored credential is dead; an unreachable shop does not.
        if (!(error instanceof ShopRefusedError)) throw error;
        log.info({ shop: shopUrl, code: error.code }, 'the stored sign-in is no longer valid; forgotten');
        await forget(stored.email);
      }
      return changed();
    },
    async signIn(url, email, password) {
      if (phase.kind === 'signed_in')
        throw new ConsoleRefusedError('already_signed_in', 'Sign out before signing in again.');
      const origin = shopOriginOf(url);
      const client = makeClient({ shopUrl: origin, tokens });
      const response = await client.login(email, password);
      shopUrl = origin;
      phase = { kind: 'mfa_required', email: email.trim().toLowerCase(), mfaToken: response.mfaToken, client };
      return changed();
    },
    async verifyMfa(code) {
      if (phase.kind !== 'mfa_required') throw new NotSignedInError('Enter your email and password first.');
      const { client, email, mfaToken } = phase;
      const response = await client.verifyMfa(mfaToken, code);
      await enter(client, email, response, false);
      log.info({ staffId: response.staff.id, shop: shopUrl }, 'signed in');
      return changed();
    },
    async signOut() {
      if (phase.kind === 'mfa_required') {
        phase = { kind: 'signed_out' };
        return changed();
      }
      if (phase.kind !== 'signed_in') return changed();
      await beforeSignOut();
      const current = phase;
      try {
        await current.client.logout();
      } catch (error) {
        // The shop may be down or the token already dead; the local credential goes regardless.
        log.info({ err: error }, 'the shop did not confirm the sign-out');
      }
      await dropCredential(current.email);
      log.info({ staffId: current.staff.id, shop: shopUrl }, 'signed out');
      return changed();
    },
    client() {
      if (phase.kind !== 'signed_in') throw new NotSignedInError();
      return phase.client;
    },
    staff: () => (phase.kind === 'signed_in' ? phase.staff : null),
    shopUrl: () => shopUrl,
    setBeforeSignOut(hook) {
      beforeSignOut = hook;
    },
    dispose() {
      clearTimer();
    },
  };
}
