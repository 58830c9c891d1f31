import type { PGlite } from '@electric-sql/pglite';
import { BadPageError } from './prepare';
import { readState, type MirrorState } from './store-state';
import { chunkName, type TextChunks } from './text-chunks';

/**
 * A supervisor's copy keeps a window of recent history (default 90 days); the shop keeps the
 * rest and answers for it (GET /audit/search). `held_after` in mirror_state is the boundary:
 * events up to it are the shop's alone, events after it are all here.
 */

/** Events dropped per step: one short transaction, so a query waits for at most one of them. */
export const RETENTION_BATCH = 10_000;

/**
 * A new copy starts at the window: at the newest event before it (`seq`, whose own hash the
 * caller checked), so the next event's link is checked against it. Refused unless the copy is empty.
 */
export async function startAt(db: PGlite, seq: number, hash: string): Promise<MirrorState> {
  return db.transaction(async (tx) => {
    const state = await readState(tx);
    if (state.cursor !== 0 || state.stored !== 0)
      throw new BadPageError(`This copy already holds events up to ${state.cursor}: it cannot start at ${seq}.`);
    await tx.query(
      'UPDATE mirror_state SET cursor = $1, chain_last_seq = $1, chain_last_hash = $2, held_after = $1, search_upto = $1',
      [seq, hash],
    );
    return readState(tx);
  });
}

/** The last seq of the oldest run of events (from `after` on) older than `since`; `after` when there is none. */
async function cutAt(db: Pick<PGlite, 'query'>, after: number, since: Date, batch: number) {
  const rows = await db.query<{ seq: number; old: boolean }>(
    'SELECT seq, at_ts < $2 AS old FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $3',
    [after, since.toISOString(), batch],
  );
  let cut = after;
  for (const row of rows.rows) {
    if (!row.old) return { cut, more: false };
    cut = row.seq;
  }
  return { cut, more: rows.rows.length === batch };
}

/**
 * One step of dropping what fell out of the window, oldest first: the events older than
 * `since` (up to `batch`), their search text (whole text chunks dropped as tables) and their
 * share of the action counts, and `held_after` moved past them, in one transaction. Stops at
 * the first event inside the window, so the copy stays one unbroken run of seqs.
 */
export async function dropOlderStep(
  db: PGlite,
  chunks: TextChunks,
  since: Date,
  batch = RETENTION_BATCH,
): Promise<{ dropped: number; done: boolean }> {
  const emptied: number[] = [];
  const result = await db.transaction(async (tx) => {
    const { heldAfter } = await readState(tx);
    const { cut, more } = await cutAt(tx, heldAfter, since, batch);
    if (cut === heldAfter) return { dropped: 0, done: true };
    const gone = await tx.query<{ action: string; n: number }>(
      `WITH gone AS (DELETE FROM audit_events WHERE seq > $1 AND seq <= $2 RETURNING action)
       SELECT action, count(*) AS n FROM gone GROUP BY action`,
      [heldAfter, cut],
    );
    const actions = gone.rows.map((r) => r.action);
    const counts = gone.rows.map((r) => r.n);
    await tx.query(
      `UPDATE audit_action_counts c SET n = c.n - g.n FROM unnest($1::text[], $2::bigint[]) AS g(action, n)
       WHERE c.action = g.action`,
      [actions, counts],
    );
    await tx.exec('DELETE FROM audit_action_counts WHERE n <= 0');
    // A chunk wholly behind the cut goes as a table; the one the cut falls in loses its rows.
    for (const k of chunks.all)
      if ((k + 1) * chunks.size <= cut) {
        await tx.exec(`DROP TABLE ${chunkName(k)}`);
        emptied.push(k);
      }
    await tx.query('DELETE FROM audit_search WHERE seq > $1 AND seq <= $2', [heldAfter, cut]);
    const dropped = counts.reduce((sum, n) => sum + n, 0);
    await tx.query('UPDATE mirror_state SET held_after = $1, stored = stored - $2', [cut, dropped]);
    return { dropped, done: !more };
  });
  // Known only once committed.
  for (const k of emptied) {
    chunks.all.delete(k);
    chunks.indexed.delete(k);
  }
  return result;
}
