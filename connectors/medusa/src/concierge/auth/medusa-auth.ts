import type { IAuthModuleService } from '@medusajs/framework/types';
import type { Sql } from '../db';

/** What Medusa's emailpass provider needs of a request; the plugin passes only the body. */
const request = (body: Record<string, string>) => ({ url: '', headers: {}, query: {}, protocol: 'http', body });

export type PasswordCheck = { ok: true; userId: string; challengeId: string | null } | { ok: false };

/** The password, checked by Medusa's emailpass provider; with TOTP enrolled Medusa answers with an MFA challenge. */
export async function checkPassword(auth: IAuthModuleService, email: string, password: string): Promise<PasswordCheck> {
  const result = await auth.authenticate('emailpass', request({ email, password }));
  const userId = result.authIdentity?.app_metadata?.user_id;
  if (!result.success || typeof userId !== 'string') return { ok: false };
  return { ok: true, userId, challengeId: result.mfaChallenge?.id ?? null };
}

/** A code for Medusa's MFA challenge (its built-in TOTP factor). */
export async function answerChallenge(auth: IAuthModuleService, challengeId: string, code: string): Promise<boolean> {
  try {
    await auth.verifyAuthMfaChallenge({ id: challengeId, method: 'totp', code });
    return true;
  } catch {
    return false;
  }
}

/** A fresh challenge for a signed-in staff member's step-up. */
export async function newChallenge(auth: IAuthModuleService, email: string): Promise<string | null> {
  const [identity] = await auth.listProviderIdentities({ entity_id: email, provider: 'emailpass' });
  if (!identity?.auth_identity_id) return null;
  try {
    return (await auth.createAuthMfaChallenge({ auth_identity_id: identity.auth_identity_id })).id;
  } catch {
    return null;
  }
}

/**
 * Medusa accepts a TOTP code as often as it is shown; the Assistance API accepts it once per person.
 * The code is kept until it cannot verify any more (three 30 s steps); a second use is refused.
 */
export async function spendTotpCode(sql: Sql, staffId: string, code: string, now: Date): Promise<boolean> {
  await sql.query('DELETE FROM concierge_totp_use WHERE staff_id = ? AND expires_at <= ?', [staffId, now]);
  const rows = await sql.query(
    `INSERT INTO concierge_totp_use (id, staff_id, code, expires_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (staff_id, code) WHERE deleted_at IS NULL DO NOTHING RETURNING id`,
    [`ctotp_${staffId}_${code}_${now.getTime()}`, staffId, code, new Date(now.getTime() + 120_000)],
  );
  return rows.length === 1;
}
