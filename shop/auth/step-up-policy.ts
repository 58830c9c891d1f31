import type { StepUpPolicy } from '../../shared/api/settings';

export type StepUpMethod = 'totp' | 'password';

/** Whether the shop's step-up policy (a setting) lets staff step up with `method`. */
export function policyAllows(policy: StepUpPolicy, method: StepUpMethod): boolean {
  return policy === 'totp_or_password' || policy === method;
}
