import type { PGlite, Transaction } from '@electric-sql/pglite';
import { searchChunkOf } from './schema';
import { BadPageError, COPY_COLUMNS, sameVerifyState, type PreparedPage } from './prepare';
import { readState, STATE_COLUMNS, stateFromRow, type MirrorState, type StateRow } from './store-state';
import { chunkName, type TextChunks } from './text-chunks';
import type { Maintenance } from './maintenance';

export interface IngestDeps {
  db: PGlite;
  chunks: TextChunks;
  /** A page this far behind the shop's head starts a bulk sync (see BULK_BACKLOG). */
  bulkBacklog: number;
  maintenance: Pick<Maintenance, 'inBulk' | 'beginBulk'>;
}

export interface Ingested {
  state: MirrorState;
  nextAfter: number;
  received: number;
}

/**
 * The page's events and their search text, two COPYs, creating the text chunks its seqs reach.
 * Returns the chunks it created: they exist only once the transaction commits.
 */
async function copyRows(tx: Transaction, chunks: TextChunks, page: PreparedPage): Promise<number[]> {
  // Every stored seq is at most the cursor and every seq here is above it, so the rows are
  // new; a duplicate would fail the COPY and roll the whole page back.
  await tx.query(`COPY audit_events (${COPY_COLUMNS}) FROM '/dev/blob'`, [], { blob: new Blob([page.rows]) });
  const created: number[] = [];
  const size = chunks.size;
  for (let k = searchChunkOf(page.firstSeq, size); k <= searchChunkOf(page.lastSeq, size); k += 1) {
    if (chunks.all.has(k)) continue;
    await tx.exec(
      `CREATE TABLE ${chunkName(k)} PARTITION OF audit_search FOR VALUES FROM (${k * size + 1}) TO (${(k + 1) * size + 1})`,
    );
    created.push(k);
  }
  await tx.query("COPY audit_search (seq, search) FROM '/dev/blob'", [], { blob: new Blob([page.searchRows]) });
  return created;
}

/** The page's events added to the per-action counts (a primary-key range: the page's rows only). */
async function countActions(tx: Transaction, page: PreparedPage): Promise<void> {
  await tx.query(
    `INSERT INTO audit_action_counts (action, n)
       SELECT action, count(*) FROM audit_events WHERE seq BETWEEN $1 AND $2 GROUP BY action
     ON CONFLICT (action) DO UPDATE SET n = audit_action_counts.n + EXCLUDED.n`,
    [page.firstSeq, page.lastSeq],
  );
}

/** The cursor, head and verification state after the page, in mirror_state. */
async function advanceState(tx: Transaction, page: PreparedPage): Promise<MirrorState> {
  const { chain, checked, bad, lastAtMs, atInOrder } = page.to;
  const updated = await tx.query<StateRow>(
    `UPDATE mirror_state SET cursor = $1, head_seq = $2, stored = stored + $3, chain_last_seq = $4, chain_last_hash = $5,
           checked = $6, bad_seq = $7, bad_problem = $8, last_at_ms = $9, at_in_order = $10
         RETURNING ${STATE_COLUMNS}`,
    [
      page.nextAfter,
      page.headSeq,
      page.received,
      chain.lastSeq,
      chain.lastHash,
      checked,
      bad?.seq ?? null,
      bad?.problem ?? null,
      lastAtMs,
      atInOrder,
    ],
  );
  const row = updated.rows[0];
  if (!row) throw new Error('mirror_state is missing its row');
  return stateFromRow(row);
}

/** Stores one prepared page in one transaction (see AuditStore.ingestPrepared). */
export async function ingestPrepared(
  { db, chunks, bulkBacklog, maintenance }: IngestDeps,
  page: PreparedPage,
): Promise<Ingested> {
  let created: number[] = [];
  const state = await db.transaction(async (tx) => {
    const current = await readState(tx);
    // Another sync moved on meanwhile (or the page was fetched from a stale cursor): skip it.
    if (current.cursor !== page.after)
      throw new BadPageError(`The page was fetched after ${page.after}, but the mirror is at ${current.cursor}.`);
    if (!sameVerifyState(page.from, current))
      throw new BadPageError(
        `The page after ${page.after} was verified from another chain state than the mirror holds.`,
      );
    if (!maintenance.inBulk() && page.headSeq - page.after > bulkBacklog) await maintenance.beginBulk(tx);
    if (page.received > 0) {
      created = await copyRows(tx, chunks, page);
      await countActions(tx, page);
    }
    return advanceState(tx, page);
  });
  // Known only once committed (a rolled-back page leaves no partition behind).
  for (const k of created) chunks.all.add(k);
  return { state, nextAfter: page.nextAfter, received: page.received };
}
