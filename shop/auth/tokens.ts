import { permissionsOf, type Role, type Staff } from '../../shared/api/auth';
import type { Queryable } from '../db/database';
import type { ShopContext } from '../context';
import { addSeconds, type Clock } from '../lib/clock';
import { ApiError, unauthorized } from '../lib/errors';
import { hashSecret, newId, newSecret } from '../lib/ids';

export interface StaffRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
}

export function staffFromRow(row: StaffRow): Staff {
  return { id: row.id, email: row.email, name: row.name, role: row.role, permissions: permissionsOf(row.role) };
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
}

/** Issues an access token and a refresh token in `familyId` (a new family at sign-in). */
export async function issueTokenPair(
  tx: Queryable,
  ctx: ShopContext,
  staffId: string,
  familyId = newId('fam'),
): Promise<TokenPair> {
  const now = ctx.clock.now();
  const accessToken = newSecret();
  const refreshToken = newSecret();
  const accessExpires = addSeconds(now, ctx.config.accessTokenSeconds);
  await tx.query('INSERT INTO access_tokens (token_hash, family_id, staff_id, expires_at) VALUES ($1, $2, $3, $4)', [
    hashSecret(accessToken),
    familyId,
    staffId,
    accessExpires,
  ]);
  await tx.query(
    'INSERT INTO refresh_tokens (token_hash, family_id, staff_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
    [hashSecret(refreshToken), familyId, staffId, now, addSeconds(now, ctx.config.refreshTokenSeconds)],
  );
  return { accessToken, refreshToken, accessTokenExpiresAt: accessExpires.toISOString() };
}

/** Revokes every access and refresh token of a family (sign-out, refresh-token reuse). */
export async function revokeFamily(tx: Queryable, ctx: ShopContext, familyId: string): Promise<void> {
  const now = ctx.clock.now();
  await tx.query('UPDATE access_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [
    familyId,
    now,
  ]);
  await tx.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL', [
    familyId,
    now,
  ]);
}

/** Revokes every access and refresh token of every sign-in of a staff member (sign-out everywhere). */
export async function revokeAllFamilies(tx: Queryable, ctx: ShopContext, staffId: string): Promise<void> {
  const now = ctx.clock.now();
  await tx.query('UPDATE access_tokens SET revoked_at = $2 WHERE staff_id = $1 AND revoked_at IS NULL', [staffId, now]);
  await tx.query('UPDATE refresh_tokens SET revoked_at = $2 WHERE staff_id = $1 AND revoked_at IS NULL', [
    staffId,
    now,
  ]);
}

export interface Principal {
  staff: Staff;
  familyId: string;
  /** When the access token stops being valid (a stream ends then). */
  expiresAt: Date;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{20,128})$/;

/** The stored hash of the access token in `Authorization: Bearer …`; 401 when it is missing or malformed. */
export function bearerTokenHash(authorization: string | undefined): string {
  if (!authorization) throw unauthorized('Sign in first: this request has no access token.');
  const match = BEARER.exec(authorization);
  if (!match?.[1]) throw unauthorized('The access token is malformed.');
  return hashSecret(match[1]);
}

/** Resolves `Authorization: Bearer …` to the staff member (authenticateTokenHash). */
export async function authenticate(
  db: Queryable,
  ctx: ShopContext,
  authorization: string | undefined,
): Promise<Principal> {
  return authenticateTokenHash(db, ctx, bearerTokenHash(authorization));
}

/**
 * The staff member an access token (by its hash) belongs to, re-reading role and status from the
 * database on every request so a demotion or lock takes effect at once.
 */
export async function authenticateTokenHash(
  db: Queryable,
  ctx: { clock: Clock },
  tokenHash: string,
): Promise<Principal> {
  const result = await db.query<StaffRow & { expires_at: Date; revoked_at: Date | null; family_id: string }>(
    `SELECT s.id, s.email, s.name, s.role, s.disabled, t.expires_at, t.revoked_at, t.family_id
       FROM access_tokens t JOIN staff s ON s.id = t.staff_id WHERE t.token_hash = $1`,
    [tokenHash],
    // Nearly every API request runs this lookup first.
    { prepare: true },
  );
  const row = result.rows[0];
  if (!row || row.revoked_at) throw unauthorized('The access token is not valid. Sign in again.');
  if (row.expires_at.getTime() <= ctx.clock.now().getTime())
    throw new ApiError(401, 'token_expired', 'The access token has expired; refresh it.');
  if (row.disabled) throw unauthorized('This staff account is disabled.');
  return { staff: staffFromRow(row), familyId: row.family_id, expiresAt: row.expires_at };
}
