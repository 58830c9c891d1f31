import { DEFAULT_THROTTLE_POLICY, type ThrottlePolicy } from './auth/throttle';
import type { Database } from './db/database';
import type { Clock } from './lib/clock';
import type { RefusalRecorder } from './audit/refusal-aggregator';

export interface ShopConfig {
  /**
   * The origin staff and customers reach the shop at, e.g. `http://127.0.0.1:4310`, or the
   * `--public-url` behind a TLS proxy: handoff and store URLs use it; https makes cookies `Secure`.
   */
  readonly publicOrigin: string;
  /** Auth rate limit per IP and minute; tests raise it. */
  readonly authRateLimitPerMinute: number;
  /** Growing delays after failed sign-ins and step-ups (auth/throttle.ts; README "Sign-in throttling"). */
  readonly signInThrottle: ThrottlePolicy;
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
  /**
   * How often the upkeep leader ends overdue sessions nobody is reading (reads settle them
   * anyway). Short, so a dead console's session is ended, audited and the customer told within
   * lease + 10 s.
   */
  readonly sweepIntervalMs: number;
}

export const DEFAULT_CONFIG: Omit<ShopConfig, 'publicOrigin'> = {
  authRateLimitPerMinute: 30,
  signInThrottle: DEFAULT_THROTTLE_POLICY,
  accessTokenSeconds: 15 * 60,
  refreshTokenSeconds: 12 * 3600,
  stepUpSeconds: 5 * 60,
  handoffSeconds: 30,
  consentCodeSeconds: 10 * 60,
  consoleLeaseSeconds: 60,
  sweepIntervalMs: 10_000,
};

/** Everything a route needs, passed in rather than imported, so tests build real shops cheaply. */
export interface ShopContext {
  readonly db: Database;
  readonly clock: Clock;
  readonly config: ShopConfig;
  /** Refusals (403s, refused handoffs and storefront actions) as aggregated audit events. */
  readonly refusals: RefusalRecorder;
}
