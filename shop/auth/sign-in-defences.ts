import type { Clock } from '../lib/clock';
import { memoryDecoyChallenges, type DecoyChallenges } from './decoy-challenges';
import { memoryFailureLog } from './failure-log';
import { failuresToKeep, signInThrottle, type SignInThrottle, type ThrottlePolicy } from './throttle';

/** What sign-in and step-up consult before and after checking a password or code. */
export interface SignInDefences {
  throttle: SignInThrottle;
  decoys: DecoyChallenges;
}

/** Defences whose state lives in this process's memory: one set per shop, empty after a restart. */
export function memorySignInDefences(deps: { clock: Clock; policy: ThrottlePolicy }): SignInDefences {
  const log = memoryFailureLog({ windowSeconds: deps.policy.windowSeconds, keep: failuresToKeep(deps.policy) });
  return { throttle: signInThrottle({ log, clock: deps.clock, policy: deps.policy }), decoys: memoryDecoyChallenges() };
}
