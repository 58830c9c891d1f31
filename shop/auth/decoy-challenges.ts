import type { Queryable } from '../db/database';

/**
 * MFA challenges handed out under guard for a wrong password or an unknown email: they look like
 * real ones and can never succeed. Kept in PostgreSQL, so the process answering the code knows
 * the decoy another process handed out. Calls take the caller's transaction or the database.
 */
export interface Decoy {
  /** The email the password was tried for. */
  account: string;
  /** The staff member it belongs to, when the email is one. */
  staffId: string | null;
  expiresAt: Date;
  attempts: number;
}

export interface DecoyChallenges {
  add(q: Queryable, tokenHash: string, decoy: Omit<Decoy, 'attempts'>): Promise<void>;
  /** The decoy under `tokenHash`, spent or not; null when there is none or it has expired. */
  find(q: Queryable, tokenHash: string, now: Date): Promise<Decoy | null>;
  /** Counts one code tried on the decoy; returns how many have been. */
  countAttempt(q: Queryable, tokenHash: string): Promise<number>;
  remove(q: Queryable, tokenHash: string): Promise<void>;
}

interface DecoyRow {
  account: string;
  staff_id: string | null;
  expires_at: Date;
  attempts: number;
}

export function databaseDecoyChallenges(): DecoyChallenges {
  return {
    add: async (q, tokenHash, decoy) => {
      await q.query(
        'INSERT INTO decoy_challenges (token_hash, account, staff_id, expires_at) VALUES ($1, $2, $3, $4)',
        [tokenHash, decoy.account, decoy.staffId, decoy.expiresAt],
      );
    },
    find: async (q, tokenHash, now) => {
      const { rows } = await q.query<DecoyRow>(
        'SELECT account, staff_id, expires_at, attempts FROM decoy_challenges WHERE token_hash = $1 AND expires_at > $2',
        [tokenHash, now],
      );
      const row = rows[0];
      return row
        ? { account: row.account, staffId: row.staff_id, expiresAt: row.expires_at, attempts: row.attempts }
        : null;
    },
    countAttempt: async (q, tokenHash) => {
      const { rows } = await q.query<{ attempts: number }>(
        'UPDATE decoy_challenges SET attempts = attempts + 1 WHERE token_hash = $1 RETURNING attempts',
        [tokenHash],
      );
      return rows[0]?.attempts ?? 0;
    },
    remove: async (q, tokenHash) => {
      await q.query('DELETE FROM decoy_challenges WHERE token_hash = $1', [tokenHash]);
    },
  };
}
