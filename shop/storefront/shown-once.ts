import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { Queryable } from '../db/database';

/**
 * Values a POST hands to the page its redirect shows, keyed by the viewer's web session: read
 * once, then gone, so a reload cannot show or redo it and nothing secret travels in a URL or a
 * cookie. Kept in the database, so the redirect may land on any shop process; sealed (AES-256-GCM)
 * with a key derived from the viewer's cookie secret, which the database never holds, so a row
 * read from it reveals nothing. Expired rows are dropped by the shop's housekeeping.
 */
export interface ShownOnce<T> {
  put(q: Queryable, viewer: SealingViewer, value: T, expiresAt: Date): Promise<void>;
  take(q: Queryable, viewer: SealingViewer, now: Date): Promise<T | null>;
}

/** Whose value it is (`key`, e.g. the web session's id) and the cookie secret that seals it. */
export interface SealingViewer {
  key: string;
  secret: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

const keyOf = (viewer: SealingViewer) =>
  Buffer.from(hkdfSync('sha256', viewer.secret, viewer.key, 'concierge shown-once v1', 32));

export function seal(viewer: SealingViewer, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(viewer), iv);
  cipher.setAAD(Buffer.from(viewer.key));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The plaintext, or null when `sealed` was not sealed for this viewer (another secret or key). */
export function unseal(viewer: SealingViewer, sealed: string): string | null {
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length < IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(viewer), bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(viewer.key));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** `scope` keeps different kinds of value apart; `schema` checks what comes back. */
export function shownOnce<T>(scope: string, schema: z.ZodType<T>): ShownOnce<T> {
  const rowKey = (viewer: SealingViewer) => `${scope} ${viewer.key}`;
  return {
    async put(q, viewer, value, expiresAt) {
      await q.query(
        `INSERT INTO shown_once (key, sealed, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET sealed = EXCLUDED.sealed, expires_at = EXCLUDED.expires_at`,
        [rowKey(viewer), seal(viewer, JSON.stringify(value)), expiresAt],
      );
    },
    async take(q, viewer, now) {
      const { rows } = await q.query<{ sealed: string; expires_at: Date }>(
        'DELETE FROM shown_once WHERE key = $1 RETURNING sealed, expires_at',
        [rowKey(viewer)],
      );
      const row = rows[0];
      if (!row || row.expires_at.getTime() <= now.getTime()) return null;
      const plaintext = unseal(viewer, row.sealed);
      if (plaintext === null) return null;
      const parsed = schema.safeParse(JSON.parse(plaintext));
      return parsed.success ? parsed.data : null;
    },
  };
}
