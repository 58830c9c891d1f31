import type { Database } from './db/database';
import type { Clock } from './lib/clock';

export interface ShopConfig {
  /** The origin staff and customers reach the shop at, e.g. `http://127.0.0.1:4310`. */
  readonly publicOrigin: string;
  /** Cookies get `Secure` when the shop is served over HTTPS. */
  readonly secureCookies: boolean;
  /** Auth rate limit per IP and minute; tests raise it. */
  readonly authRateLimitPerMinute: number;
  /** Failed sign-ins before an account locks, and for how long. */
  readonly lockout: { readonly maxFailures: number; readonly lockSeconds: number };
  readonly accessTokenSeconds: number;
  readonly refreshTokenSeconds: number;
  readonly stepUpSeconds: number;
  readonly handoffSeconds: number;
  readonly consentCodeSeconds: number;
  /**
   * How long a session's console lease lasts after each heartbeat: a session whose console has
   * not renewed it for this long ends as console_lost. The console renews every third of it;
   * at 60 s it is a tenth of the default idle timeout, so a dead console is noticed long before.
   */
  readonly consoleLeaseSeconds: number;
}

export const DEFAULT_CONFIG: Omit<ShopConfig, 'publicOrigin'> = {
  secureCookies: false,
  authRateLimitPerMinute: 30,
  lockout: { maxFailures: 5, lockSeconds: 15 * 60 },
  accessTokenSeconds: 15 * 60,
  refreshTokenSeconds: 12 * 3600,
  stepUpSeconds: 5 * 60,
  handoffSeconds: 30,
  consentCodeSeconds: 10 * 60,
  consoleLeaseSeconds: 60,
};

/** Everything a route needs, passed in rather than imported, so tests build real shops cheaply. */
export interface ShopContext {
  readonly db: Database;
  readonly clock: Clock;
  readonly config: ShopConfig;
}
