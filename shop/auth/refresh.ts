import type { TokenResponse } from '../../shared/api/auth';
import { appendAudit } from '../audit/append';
import type { ShopContext } from '../context';
import { endSessionsOfStaff } from '../assist/end';
import { ApiError } from '../lib/errors';
import { hashSecret } from '../lib/ids';
import { commitThenReport, refuse, succeed } from './outcome';
import { staffActor, type RequestOrigin } from './staff-record';
import { issueTokenPair, revokeAllFamilies, revokeFamily, staffFromRow, type Principal, type StaffRow } from './tokens';

const invalidRefresh = (message: string) => new ApiError(401, 'invalid_refresh_token', message);

interface RefreshRow extends StaffRow {
  family_id: string;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

/**
 * Trades a refresh token for a new pair in the same family. Each refresh token works once: a
 * second use means it was copied, so the whole family is revoked and the reuse recorded.
 */
export async function refreshTokens(
  ctx: ShopContext,
  refreshToken: string,
  origin: RequestOrigin,
): Promise<TokenResponse> {
  return commitThenReport(ctx.db, async (tx) => {
    const now = ctx.clock.now();
    const tokenHash = hashSecret(refreshToken);
    const found = await tx.query<RefreshRow>(
      `SELECT s.id, s.email, s.name, s.role, s.disabled, r.family_id, r.expires_at, r.used_at, r.revoked_at
         FROM refresh_tokens r JOIN staff s ON s.id = r.staff_id WHERE r.token_hash = $1 FOR UPDATE OF r`,
      [tokenHash],
    );
    const row = found.rows[0];
    if (!row) return refuse(invalidRefresh('The refresh token is not valid. Sign in again.'));
    if (row.revoked_at) return refuse(invalidRefresh('This sign-in has ended. Sign in again.'));
    if (row.used_at) {
      await revokeFamily(tx, ctx, row.family_id);
      await appendAudit(tx, ctx.clock, {
        action: 'staff.token_reuse',
        actor: staffActor(row),
        ...origin,
        details: { familyId: row.family_id },
      });
      return refuse(
        invalidRefresh(
          'This refresh token was already used, so every token of this sign-in has been revoked. Sign in again.',
        ),
      );
    }
    if (row.expires_at.getTime() <= now.getTime())
      return refuse(invalidRefresh('The sign-in has expired. Sign in again.'));
    if (row.disabled) return refuse(invalidRefresh('This staff account is disabled.'));
    await tx.query('UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1', [tokenHash, now]);
    const tokens = await issueTokenPair(tx, ctx, row.id, row.family_id);
    return succeed<TokenResponse>({ ...tokens, staff: staffFromRow(row) });
  });
}

/**
 * Ends the caller's sign-in: every token of its family stops working and the sessions it started
 * end; other consoles of the same staff member stay signed in. `everywhere` ends every sign-in
 * of the staff member and all their sessions.
 */
export async function signOut(
  ctx: ShopContext,
  principal: Principal,
  origin: RequestOrigin,
  options: { everywhere: boolean },
): Promise<void> {
  const { staff, familyId } = principal;
  await ctx.db.transaction(async (tx) => {
    if (options.everywhere) await revokeAllFamilies(tx, ctx, staff.id);
    else await revokeFamily(tx, ctx, familyId);
    const actor = staffActor(staff);
    const scope = { staffId: staff.id, familyId: options.everywhere ? null : familyId };
    const sessionsEnded = await endSessionsOfStaff(tx, ctx, scope, { reason: 'sign_out', actor, origin });
    await appendAudit(tx, ctx.clock, {
      action: 'staff.sign_out',
      actor,
      ...origin,
      details: { familyId, everywhere: options.everywhere, sessionsEnded },
    });
  });
}
