import type { Clock } from '../lib/clock';
import { databaseDecoyChallenges, type DecoyChallenges } from './decoy-challenges';
import { databaseFailureLog } from './failure-log';
import { failuresToKeep, signInThrottle, type SignInThrottle, type ThrottlePolicy } from './throttle';

/** What sign-in and step-up consult before and after checking a password or code. */
export interface SignInDefences {
  throttle: SignInThrottle;
  decoys: DecoyChallenges;
}

/** Defences whose state lives in the shop's database: shared by every shop process, kept over restarts. */
export function signInDefences(deps: { clock: Clock; policy: ThrottlePolicy }): SignInDefences {
  const log = databaseFailureLog({ windowSeconds: deps.policy.windowSeconds, keep: failuresToKeep(deps.policy) });
  return {
    throttle: signInThrottle({ log, clock: deps.clock, policy: deps.policy }),
    decoys: databaseDecoyChallenges(),
  };
}
