import { DEFAULT_SETTINGS, StepUpPolicy } from '../../shared/api/settings';
import type { Queryable } from '../db/database';

/**
 * The shop's step-up policy from `shop_settings`; the default when no settings are saved or the
 * saved value is unreadable (the default is the strictest policy, TOTP only).
 */
export async function readStepUpPolicy(db: Queryable): Promise<StepUpPolicy> {
  const result = await db.query<{ value: unknown }>('SELECT value FROM shop_settings WHERE id');
  const value = result.rows[0]?.value;
  const stored = typeof value === 'object' && value !== null && 'stepUpPolicy' in value ? value.stepUpPolicy : undefined;
  const parsed = StepUpPolicy.safeParse(stored);
  return parsed.success ? parsed.data : DEFAULT_SETTINGS.stepUpPolicy;
}

export type StepUpMethod = 'totp' | 'password';

export function policyAllows(policy: StepUpPolicy, method: StepUpMethod): boolean {
  return policy === 'totp_or_password' || policy === method;
}
