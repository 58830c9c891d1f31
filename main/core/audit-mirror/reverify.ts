/**
 * Re-verification: checks again every event the mirror stored, oldest first, one chunk per
 * background step (keyset by seq): each event's hash and, where seqs are contiguous, its link,
 * with the shop's own verifyChain, and every stored checkpoint at a seq the mirror holds against
 * the event's hash there. A stored event is otherwise checked only once, as it is synced.
 */
import { CHAIN_START, verifyChain, type ChainLink, type ChainState } from '../../../shared/audit/chain';
import { AUDIT_COLUMN_LIST, hashedEventOf, type StoredAuditRow } from '../../../shared/audit/codec';
import { REVERIFY_IDLE, type AuditReverifyStatus } from '../../../shared/ipc/contract';
import { readState, type Queryable } from './store-state';
import { nodeSha256Hex } from './node-crypto';

/**
 * Events per step: reading and hashing 1,000 events takes ≈ 15–25 ms on PGlite, so a query
 * that arrives during a step waits well under 100 ms (see docs/PERFORMANCE.md, "Audit mirror").
 */
export const REVERIFY_CHUNK = 1000;

/** What a pass can find wrong with a stored event. */
export type ReverifyProblem = 'hash_mismatch' | 'broken_link' | 'checkpoint_mismatch';

/** Checkpoints whose signature did not verify with a pinned key are no evidence about the log. */
const UNTRUSTED_VERDICTS = ['unknown_key', 'bad_signature'];

export interface Reverifier {
  /** The pass under way, or the last one (REVERIFY_IDLE before the first). */
  status(): AuditReverifyStatus;
  /** Starts a pass over every event stored now, unless one is under way; returns the status. */
  begin(): Promise<AuditReverifyStatus>;
  /** Checks the next chunk; false once the pass is over (or none is under way). */
  step(): Promise<boolean>;
}

interface Pass {
  /** The last seq checked, and the chain state after it. */
  chain: ChainState;
  /** The mirror's cursor when the pass began: events synced later are checked as they arrive. */
  upto: number;
}

/** The first trusted checkpoint in (after, upto] whose hash differs from the stored event's at its seq. */
async function checkpointMismatch(
  db: Queryable,
  after: number,
  upto: number,
  events: readonly ChainLink[],
): Promise<number | null> {
  if (upto <= after) return null;
  const checkpoints = await db.query<{ seq: number; hash: string }>(
    `SELECT seq, hash FROM audit_checkpoints
      WHERE seq > $1 AND seq <= $2 AND (verdict IS NULL OR verdict <> ALL($3::text[])) ORDER BY seq`,
    [after, upto, UNTRUSTED_VERDICTS],
  );
  if (checkpoints.rows.length === 0) return null;
  const hashes = new Map(events.map((e) => [e.seq, e.hash]));
  // A checkpoint at a seq this mirror does not hold (another agent's event) cannot be compared.
  const differing = checkpoints.rows.find((c) => hashes.has(c.seq) && hashes.get(c.seq) !== c.hash);
  return differing?.seq ?? null;
}

/**
 * Passes over `db`'s stored events, `chunk` per step. A problem found is also recorded as the
 * mirror's first bad seq (unless one is recorded already), so verification turns red.
 */
export function reverifier(db: Queryable, options: { chunk?: number; now?: () => Date } = {}): Reverifier {
  const chunk = options.chunk ?? REVERIFY_CHUNK;
  const now = options.now ?? (() => new Date());
  let status: AuditReverifyStatus = REVERIFY_IDLE;
  let pass: Pass | null = null;

  async function finish(problem: { seq: number; problem: string } | null): Promise<false> {
    pass = null;
    if (problem) {
      await db.query('UPDATE mirror_state SET bad_seq = $1, bad_problem = $2 WHERE bad_seq IS NULL', [
        problem.seq,
        problem.problem,
      ]);
    }
    status = { ...status, state: 'idle', problem, lastCompletedAt: now().toISOString() };
    return false;
  }

  return {
    status: () => status,

    begin: async () => {
      if (pass) return status;
      const state = await readState(db);
      pass = { chain: CHAIN_START, upto: state.cursor };
      status = { ...status, state: 'running', checked: 0, total: state.stored, problem: null };
      return status;
    },

    step: async () => {
      if (!pass) return false;
      try {
        return await next(pass);
      } catch (error) {
        // A pass that failed (the store closing, say) ends; "Verify again" starts another.
        pass = null;
        status = { ...status, state: 'idle' };
        throw error;
      }
    },
  };

  /** One chunk of the pass (see step). */
  async function next({ chain, upto }: Pass): Promise<boolean> {
    const rows = await db.query<StoredAuditRow>(
      `SELECT ${AUDIT_COLUMN_LIST} FROM audit_events WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`,
      [chain.lastSeq, upto, chunk],
    );
    const events = rows.rows.map(hashedEventOf);
    const last = events.at(-1);
    if (!last) return finish(null);
    const check = verifyChain(events, chain, nodeSha256Hex);
    // Checkpoints up to the last event that verified (all of them, or those before the bad one).
    const mismatch = await checkpointMismatch(db, chain.lastSeq, check.ok ? last.seq : check.badSeq - 1, events);
    if (mismatch !== null) {
      status = { ...status, checked: status.checked + events.filter((e) => e.seq < mismatch).length };
      return finish({ seq: mismatch, problem: 'checkpoint_mismatch' });
    }
    status = { ...status, checked: status.checked + check.checked };
    if (!check.ok) return finish({ seq: check.badSeq, problem: check.problem });
    pass = { chain: { lastSeq: check.lastSeq, lastHash: check.lastHash }, upto };
    if (events.length < chunk || last.seq >= upto) return finish(null);
    return true;
  }
}
