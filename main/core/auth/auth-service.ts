import type { Staff } from '../../../shared/api/auth';
import type { AuthState } from '../../../shared/ipc/contract';
import { createApiClient, type ApiClient } from '../api/api-client';
import type { ApiClientOptions, TokenSource } from '../api/api-requests';
import { createStoredCredentials } from './auth-credentials';
import type { AuthCurrent } from './auth-phase';
import { createSignInSteps } from './auth-sign-in';
import { createAuthStateReporter } from './auth-state';
import { createTokenKeeper, realTimers, type Timers } from './auth-tokens';
import { NotSignedInError } from '../errors';
import { defaultLogger, type Logger } from '../logging';
import { shopBaseOf, type CredentialVault } from '../vault';

/**
 * The agent's sign-in: password, then TOTP (the MFA challenge token stays here in main), the
 * refresh token kept in the vault, the access token only in memory and refreshed before it
 * expires. Sign-out ends every open session first (through `beforeSignOut`).
 * Its pieces: auth-sign-in.ts (the steps), auth-tokens.ts (tokens and refresh),
 * auth-credentials.ts (the keychain), auth-state.ts (what the UI is told).
 */

export interface AuthServiceOptions {
  /** The shop the console starts with (command line / settings). */
  shopUrl: string;
  /** Every shop sign-in may use (command line / settings); default: only `shopUrl`. */
  shops?: readonly string[];
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
  const log = options.logger ?? defaultLogger('auth');
  const shopUrl = shopBaseOf(options.shopUrl);
  const shops = [...new Set([shopUrl, ...(options.shops ?? []).map(shopBaseOf)])];
  const current: AuthCurrent = { phase: { kind: 'signed_out' }, shopUrl, shops };
  const credentials = createStoredCredentials({ vault: options.vault, current, log });
  const report = createAuthStateReporter({ current, credentials, onChange: options.onChange });
  const keeper = createTokenKeeper({
    current,
    credentials,
    timers: options.timers ?? realTimers,
    now: options.now ?? Date.now,
    refreshLeadMs: options.refreshLeadMs ?? 60_000,
    retryMs: options.retryMs ?? 30_000,
    log,
    changed: report.changed,
  });
  let beforeSignOut: () => Promise<void> = () => Promise.resolve();
  const steps = createSignInSteps({
    current,
    credentials,
    keeper,
    report,
    makeClient: options.createClient ?? createApiClient,
    log,
    beforeSignOut: () => beforeSignOut(),
  });

  return {
    state: report.state,
    tokens: () => keeper.tokens,
    restore: steps.restore,
    signIn: steps.signIn,
    verifyMfa: steps.verifyMfa,
    signOut: steps.signOut,
    client() {
      if (current.phase.kind !== 'signed_in') throw new NotSignedInError();
      return current.phase.client;
    },
    staff: () => (current.phase.kind === 'signed_in' ? current.phase.staff : null),
    shopUrl: () => current.shopUrl,
    setBeforeSignOut(hook) {
      beforeSignOut = hook;
    },
    dispose() {
      keeper.stop();
    },
  };
}
