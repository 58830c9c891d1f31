import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from '../db';

export type TokenKind = 'mfa' | 'access' | 'refresh' | 'step_up';

/** How long each kind lives (seconds), as the reference shop's defaults. */
export const TOKEN_SECONDS: Readonly<Record<TokenKind, number>> = {
  mfa: 5 * 60,
  access: 15 * 60,
  refresh: 12 * 3600,
  step_up: 5 * 60,
};

export const newSecret = (): string => randomBytes(32).toString('base64url');
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');
export const newId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('hex')}`;

export interface TokenRow {
  id: string;
  kind: TokenKind;
  staff_id: string;
  sign_in_id: string;
  expires_at: Date;
  used_at: Date | null;
}

/** Issues a token; only its SHA-256 is stored. `signInId` groups a sign-in's tokens (for an mfa token: Medusa's challenge id). */
export async function issueToken(
  tx: Sql,
  now: Date,
  kind: TokenKind,
  staffId: string,
  signInId: string,
): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecret();
  const expiresAt = new Date(now.getTime() + TOKEN_SECONDS[kind] * 1000);
  await tx.query(
    'INSERT INTO concierge_staff_token (id, token_hash, kind, staff_id, sign_in_id, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    [newId('ctok'), hashSecret(token), kind, staffId, signInId, expiresAt],
  );
  return { token, expiresAt };
}

export async function findToken(tx: Sql, kind: TokenKind, token: string): Promise<TokenRow | null> {
  const [row] = await tx.query<TokenRow>(
    'SELECT id, kind, staff_id, sign_in_id, expires_at, used_at FROM concierge_staff_token WHERE token_hash = ? AND kind = ?',
    [hashSecret(token), kind],
  );
  return row ?? null;
}

/** Claims a single-use token: of two concurrent claims one gets the row. */
export async function claimToken(tx: Sql, id: string, now: Date): Promise<boolean> {
  const rows = await tx.query(
    'UPDATE concierge_staff_token SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ? RETURNING id',
    [now, id, now],
  );
  return rows.length === 1;
}

/** Ends a sign-in: every token it holds stops working. */
export async function revokeSignIn(tx: Sql, signInId: string, now: Date): Promise<void> {
  await tx.query('UPDATE concierge_staff_token SET used_at = ? WHERE sign_in_id = ? AND used_at IS NULL', [
    now,
    signInId,
  ]);
}

export async function revokeStaff(tx: Sql, staffId: string, now: Date): Promise<void> {
  await tx.query('UPDATE concierge_staff_token SET used_at = ? WHERE staff_id = ? AND used_at IS NULL', [now, staffId]);
}
