/**
 * The shop's signed checkpoints in the mirror (table audit_checkpoints): stored as fetched, then
 * checked with the keys this console pinned, each against the event the mirror holds at its
 * seq. Runs on the store thread; checks go in bounded batches so a query waits for one at most.
 */
import type { AuditCheckpoint } from '../../../shared/api/audit';
import { checkCheckpoint, type Ed25519Verify } from '../../../shared/audit/checkpoint';
import { CHECKPOINT_COLUMN_LIST, checkpointFromRow, type CheckpointRow } from '../../../shared/audit/codec';
import { readState, type MirrorState, type Queryable } from './store-state';

/** A key the console trusts: its id and raw public key (base64url). */
export interface TrustedKey {
  keyId: string;
  publicKey: string;
}

/** Checkpoints checked per step (node:crypto: well under a millisecond each). */
export const CHECKPOINT_BATCH = 200;

type Verdict = 'ok' | 'unknown_key' | 'bad_signature' | 'hash_mismatch';

/** Why a checkpoint says the shop's history was rewritten at or before its seq. */
export type RewriteProblem =
  /** A checkpoint signed with a pinned key names another hash than the event this mirror holds. */
  | 'checkpoint_mismatch'
  /** A checkpoint claims a pinned key's signature that does not verify. */
  | 'bad_signature'
  /** The shop sent another checkpoint for a seq than it sent before. */
  | 'checkpoint_changed'
  /** The shop's log ends before events or checkpoints this console already saw. */
  | 'log_truncated'
  /** A checkpoint this console already saw is gone from the shop's list. */
  | 'checkpoint_missing';

/** Records the first contradiction found (later ones do not replace it). */
export async function markRewritten(db: Queryable, seq: number, problem: RewriteProblem): Promise<MirrorState> {
  await db.query('UPDATE mirror_state SET rewritten_seq = $1, rewritten_problem = $2 WHERE rewritten_seq IS NULL', [
    seq,
    problem,
  ]);
  return readState(db);
}

/**
 * Stores the shop's whole list of checkpoints (fetched anew each sync, a few per thousand
 * events), in one statement. The shop only ever adds checkpoints: one it sends for a seq
 * differently than before, or one this mirror holds that the list no longer has, means the
 * shop's history was rewritten there.
 */
export async function storeCheckpointList(db: Queryable, items: readonly AuditCheckpoint[]): Promise<MirrorState> {
  const found = await db.query<{ changed: number | null; missing: number | null }>(
    `WITH incoming AS (
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(seq, hash, at, key_id, signature)
     ), changed AS (
       SELECT min(i.seq) AS seq FROM incoming i JOIN audit_checkpoints c ON c.seq = i.seq
        WHERE (c.hash, c.at, c.key_id, c.signature) IS DISTINCT FROM (i.hash, i.at, i.key_id, i.signature)
     ), missing AS (
       SELECT min(c.seq) AS seq FROM audit_checkpoints c WHERE NOT EXISTS (SELECT 1 FROM incoming i WHERE i.seq = c.seq)
     ), added AS (
       INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature) SELECT * FROM incoming ON CONFLICT (seq) DO NOTHING
     )
     SELECT (SELECT seq FROM changed) AS changed, (SELECT seq FROM missing) AS missing`,
    [
      items.map((c) => c.seq),
      items.map((c) => c.hash),
      items.map((c) => c.at),
      items.map((c) => c.keyId),
      items.map((c) => c.signature),
    ],
  );
  const { changed = null, missing = null } = found.rows[0] ?? {};
  if (changed !== null) await markRewritten(db, changed, 'checkpoint_changed');
  if (missing !== null) await markRewritten(db, missing, 'checkpoint_missing');
  return readState(db);
}

type CheckedRow = CheckpointRow & { event_hash: string | null };

/**
 * Checks the next batch of checkpoints not yet settled: new ones, ones waiting for a key a
 * person may since have trusted, and ok ones whose event has since arrived. `more` while
 * batches remain.
 */
export async function checkCheckpointBatch(
  db: Queryable,
  keys: readonly TrustedKey[],
  verify: Ed25519Verify,
): Promise<{ state: MirrorState; more: boolean }> {
  const rows = await db.query<CheckedRow>(
    `SELECT c.seq, c.hash, c.at, c.key_id, c.signature, e.hash AS event_hash
       FROM audit_checkpoints c LEFT JOIN audit_events e ON e.seq = c.seq
      WHERE c.verdict IS NULL
         OR (c.verdict = 'unknown_key' AND c.key_id = ANY($2::text[]))
         OR (c.verdict = 'ok' AND NOT c.compared AND e.seq IS NOT NULL)
      ORDER BY c.seq LIMIT $1`,
    [CHECKPOINT_BATCH, keys.map((k) => k.keyId)],
  );
  const byId = new Map(keys.map((k) => [k.keyId, k]));
  for (const row of rows.rows) {
    const checkpoint = checkpointFromRow(row);
    const check = checkCheckpoint(checkpoint, byId, () => row.event_hash ?? undefined, verify);
    const verdict: Verdict = check.ok ? 'ok' : check.problem;
    await db.query('UPDATE audit_checkpoints SET verdict = $2, compared = $3 WHERE seq = $1', [
      checkpoint.seq,
      verdict,
      row.event_hash !== null,
    ]);
    if (verdict === 'hash_mismatch') await markRewritten(db, checkpoint.seq, 'checkpoint_mismatch');
    if (verdict === 'bad_signature') await markRewritten(db, checkpoint.seq, 'bad_signature');
  }
  await db.query(
    `UPDATE mirror_state SET
       cp_checked = (SELECT count(*) FROM audit_checkpoints WHERE verdict = 'ok'),
       cp_compared = (SELECT count(*) FROM audit_checkpoints WHERE verdict = 'ok' AND compared),
       cp_last_seq = (SELECT coalesce(max(seq), 0) FROM audit_checkpoints)`,
  );
  return { state: await readState(db), more: rows.rows.length === CHECKPOINT_BATCH };
}

/** The key ids of checkpoints waiting for a key this console has not pinned. */
export async function unknownKeyIds(db: Queryable): Promise<string[]> {
  const result = await db.query<{ key_id: string }>(
    "SELECT DISTINCT key_id FROM audit_checkpoints WHERE verdict = 'unknown_key' ORDER BY key_id",
  );
  return result.rows.map((r) => r.key_id);
}

/** Every stored checkpoint at or after `seq`, in seq order (what an export from that seq carries). */
export async function checkpointsFrom(db: Queryable, seq: number): Promise<AuditCheckpoint[]> {
  const result = await db.query<CheckpointRow>(
    `SELECT ${CHECKPOINT_COLUMN_LIST} FROM audit_checkpoints WHERE seq >= $1 ORDER BY seq`,
    [seq],
  );
  return result.rows.map(checkpointFromRow);
}
