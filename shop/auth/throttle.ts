import { isIPv6 } from 'node:net';
import type { Queryable } from '../db/database';
import type { Clock } from '../lib/clock';
import type { FailureLog } from './failure-log';

/** What a growing delay is counted over: one account from one address, or one address over all accounts. */
export const DELAY_SCOPES = ['account_address', 'address'] as const;
export type DelayScope = (typeof DELAY_SCOPES)[number];

export interface ThrottlePolicy {
  /** Failures inside the window that cost nothing, per scope; each further one doubles the wait. */
  readonly freeFailures: Readonly<Record<DelayScope, number>>;
  readonly firstDelaySeconds: number;
  readonly maxDelaySeconds: number;
  /** Failed passwords on one account, from any address, that put it under guard (see `guarded`). */
  readonly guardAfterFailures: number;
  /** How long a failure counts. */
  readonly windowSeconds: number;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  freeFailures: { account_address: 5, address: 20 },
  firstDelaySeconds: 2,
  maxDelaySeconds: 15 * 60,
  guardAfterFailures: 10,
  windowSeconds: 24 * 3600,
};

/** Who an attempt is for (the email as typed, known or not) and where it comes from. */
export interface AttemptKeys {
  account: string;
  address: string;
}

/** A wait that a failure started or lengthened, for the audit trail. */
export interface StartedWait {
  scope: DelayScope;
  failures: number;
  delaySeconds: number;
}

export type Attempt =
  | { throttled: true; retryAfterSeconds: number }
  | {
      throttled: false;
      /** The attempt failed: it stays counted; returns the waits it started. */
      fail(): StartedWait[];
      /** Password and second factor were right: the account's failures from this address are forgiven. */
      succeed(q: Queryable): Promise<void>;
      /** Not a failure, but no proof either (a right password alone): nothing is forgiven. */
      release(q: Queryable): Promise<void>;
    };

/** Every call takes the caller's transaction, or the database when it has none open. */
export interface SignInThrottle {
  /**
   * Counts an attempt as failed before its password or code is checked, so concurrent attempts
   * cannot slip past; refuses it instead while its account and address, or its address, must wait.
   */
  begin(q: Queryable, keys: AttemptKeys): Promise<Attempt>;
  /** Under guard, sign-in says whether a password was right only together with a valid code. */
  guarded(q: Queryable, account: string): Promise<boolean>;
  /** Counts a failed password on `account` from any address; true when this put it under guard. */
  countPasswordFailure(q: Queryable, account: string): Promise<boolean>;
}

/** The wait after the `failures`-th failure in the window: none while free, then doubling to the cap. */
export function delayAfter(policy: ThrottlePolicy, scope: DelayScope, failures: number): number {
  const over = failures - policy.freeFailures[scope];
  if (over <= 0) return 0;
  return Math.min(policy.firstDelaySeconds * 2 ** (over - 1), policy.maxDelaySeconds);
}

/** How many failures a key must keep: enough to reach the longest wait and the guard. */
export function failuresToKeep(policy: ThrottlePolicy): number {
  const doublings = Math.ceil(Math.log2(policy.maxDelaySeconds / policy.firstDelaySeconds)) + 1;
  return Math.max(...DELAY_SCOPES.map((scope) => policy.freeFailures[scope] + doublings), policy.guardAfterFailures);
}

/**
 * The address an attempt is counted under. An IPv6 host usually holds a whole /64, so that is one
 * address; IPv4-mapped IPv6 counts as the IPv4 address.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

const KEY_OF: Record<DelayScope, (keys: AttemptKeys) => string> = {
  account_address: (keys) => `account_address ${addressKey(keys.address)} ${keys.account}`,
  address: (keys) => `address ${addressKey(keys.address)}`,
};
const accountKey = (account: string) => `account ${account}`;

export function signInThrottle(deps: { log: FailureLog; clock: Clock; policy: ThrottlePolicy }): SignInThrottle {
  const { log, clock, policy } = deps;
  // Milliseconds the earlier failures under a key still make an attempt at `at` wait.
  const waitLeft = (scope: DelayScope, earlier: number[], at: number) =>
    earlier.length === 0 ? 0 : Math.max(...earlier) + delayAfter(policy, scope, earlier.length) * 1000 - at;

  return {
    async begin(q, keys) {
      const at = clock.now();
      const scoped = DELAY_SCOPES.map((scope) => ({ scope, key: KEY_OF[scope](keys) }));
      const counted = scoped.map((s) => s.key);
      const times = await log.add(q, counted, at);
      const wait = Math.max(...scoped.map((s, i) => waitLeft(s.scope, (times[i] ?? []).slice(0, -1), at.getTime())));
      if (wait > 0) {
        await log.remove(q, counted, at);
        return { throttled: true, retryAfterSeconds: Math.ceil(wait / 1000) };
      }
      return {
        throttled: false,
        fail: () =>
          scoped.flatMap((s, i) => {
            const failures = times[i]?.length ?? 0;
            const delaySeconds = delayAfter(policy, s.scope, failures);
            return delaySeconds > 0 ? [{ scope: s.scope, failures, delaySeconds }] : [];
          }),
        succeed: async (tx) => {
          await log.remove(tx, counted, at);
          await log.clear(tx, KEY_OF.account_address(keys));
        },
        release: (tx) => log.remove(tx, counted, at),
      };
    },
    async guarded(q, account) {
      const [times = []] = await log.read(q, [accountKey(account)], clock.now());
      return times.length >= policy.guardAfterFailures;
    },
    async countPasswordFailure(q, account) {
      const [times = []] = await log.add(q, [accountKey(account)], clock.now());
      return times.length === policy.guardAfterFailures;
    },
  };
}
