import { inTransaction, type Queryable } from '../db/database';

/**
 * Where failed sign-in attempts are remembered, by key: in PostgreSQL, so every shop process
 * sharing the database counts and throttles alike. Every call takes the caller's transaction (or
 * the database), because on PGlite a query outside an open transaction waits for it forever.
 */
export interface FailureLog {
  /**
   * Adds a failure at `at` under each key and returns, per key, the failure times still inside the
   * window, the new one included. Attempts on a key are serialized (an advisory lock held until the
   * caller's transaction ends), so concurrent attempts, from any process, count each other.
   */
  add(q: Queryable, keys: readonly string[], at: Date): Promise<number[][]>;
  /** The failure times inside the window under each key. */
  read(q: Queryable, keys: readonly string[], now: Date): Promise<number[][]>;
  /** Takes back one failure added at `at` under each key: the attempt turned out not to fail. */
  remove(q: Queryable, keys: readonly string[], at: Date): Promise<void>;
  /** Forgets every failure under `key`. */
  clear(q: Queryable, key: string): Promise<void>;
}

export interface FailureLogLimits {
  /** How long a failure counts. */
  windowSeconds: number;
  /** The most failures kept per key; older ones cannot change any decision. */
  keep: number;
}

// Two-int advisory locks: this namespace never meets the shop's one-bigint locks (migrate, audit).
const FAILURE_LOCK_SPACE = 7431;

interface FailureRow {
  key: string;
  at_ms: number;
}

const timesByKey = (keys: readonly string[], rows: readonly FailureRow[]): number[][] =>
  keys.map((key) => rows.filter((r) => r.key === key).map((r) => r.at_ms));

export function databaseFailureLog(limits: FailureLogLimits): FailureLog {
  const windowMs = limits.windowSeconds * 1000;
  const inWindow = async (q: Queryable, keys: readonly string[], now: number) => {
    const { rows } = await q.query<FailureRow>(
      'SELECT key, at_ms FROM auth_failures WHERE key = ANY($1::text[]) AND at_ms > $2 ORDER BY key, at_ms, id',
      [keys, now - windowMs],
    );
    return timesByKey(keys, rows).map((times) => times.slice(-limits.keep));
  };
  return {
    add: (q, keys, at) =>
      inTransaction(q, async (tx) => {
        const now = at.getTime();
        // Sorted, so two attempts locking the same keys cannot deadlock.
        await tx.query('SELECT pg_advisory_xact_lock($1, hashtext(k)) FROM unnest($2::text[]) AS k ORDER BY k', [
          FAILURE_LOCK_SPACE,
          [...new Set(keys)].sort(),
        ]);
        await tx.query('INSERT INTO auth_failures (key, at_ms) SELECT k, $2 FROM unnest($1::text[]) AS k', [keys, now]);
        const times = await inWindow(tx, keys, now);
        // A key attacked from everywhere (an account) keeps growing: trim it to what can matter.
        const overfull = keys.filter((_, i) => (times[i]?.length ?? 0) >= limits.keep);
        if (overfull.length > 0) await trim(tx, overfull, now - windowMs, limits.keep);
        return times;
      }),
    read: (q, keys, now) => inWindow(q, keys, now.getTime()),
    remove: async (q, keys, at) => {
      await q.query(
        `DELETE FROM auth_failures WHERE id IN (
           SELECT DISTINCT ON (key) id FROM auth_failures WHERE key = ANY($1::text[]) AND at_ms = $2 ORDER BY key, id DESC)`,
        [keys, at.getTime()],
      );
    },
    clear: async (q, key) => {
      await q.query('DELETE FROM auth_failures WHERE key = $1', [key]);
    },
  };
}

/** Drops failures past the window and all but the newest `keep` under each key. */
async function trim(q: Queryable, keys: readonly string[], windowStart: number, keep: number): Promise<void> {
  await q.query(
    `DELETE FROM auth_failures WHERE id IN (
       SELECT id FROM (
         SELECT id, at_ms, row_number() OVER (PARTITION BY key ORDER BY at_ms DESC, id DESC) AS newest
           FROM auth_failures WHERE key = ANY($1::text[])) ranked
        WHERE newest > $3 OR at_ms <= $2)`,
    [keys, windowStart, keep],
  );
}
