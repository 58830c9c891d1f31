import type { PGlite } from '@electric-sql/pglite';
import type { ChainState } from '../../../shared/audit/chain';

/** What the store reads through: the PGlite instance or a transaction of it. */
export type Queryable = Pick<PGlite, 'query'>;

export interface MirrorState {
  /** Pass as `after` for the next page. */
  cursor: number;
  /** The shop's last seq, as of the last page fetched. */
  headSeq: number;
  /** Events held locally. */
  stored: number;
  chain: ChainState;
  checked: number;
  bad: { seq: number; problem: string } | null;
  lastSyncAt: string | null;
  /** Events up to this seq are in the text index. */
  searchUpto: number;
  lastAtMs: number;
  /** No event so far is older than the one before it. */
  atInOrder: boolean;
  /** The shop's signed checkpoints (checkpoint-store.ts). */
  signed: SignedState;
  /** Events up to this seq are not held here: before the window (retention.ts); 0 holds from the start. */
  heldAfter: number;
}

export interface SignedState {
  /** Checkpoints whose signature verified with a pinned key. */
  checked: number;
  /** Of those, the ones compared with the event the mirror holds at their seq. */
  compared: number;
  /** The newest checkpoint stored, 0 before the first. */
  lastSeq: number;
  /** The first contradiction: the shop's history was rewritten at or before `seq`. */
  rewritten: { seq: number; problem: string } | null;
}

/** mirror_state's row as PostgreSQL returns it. */
export interface StateRow {
  cursor: number;
  head_seq: number;
  stored: number;
  chain_last_seq: number;
  chain_last_hash: string;
  checked: number;
  bad_seq: number | null;
  bad_problem: string | null;
  last_sync_at: Date | null;
  search_upto: number;
  last_at_ms: number;
  at_in_order: boolean;
  cp_checked: number;
  cp_compared: number;
  cp_last_seq: number;
  rewritten_seq: number | null;
  rewritten_problem: string | null;
  held_after: number;
}

/** The columns of StateRow, for a SELECT or a RETURNING. */
export const STATE_COLUMNS =
  'cursor, head_seq, stored, chain_last_seq, chain_last_hash, checked, bad_seq, bad_problem, last_sync_at, search_upto, last_at_ms, at_in_order, cp_checked, cp_compared, cp_last_seq, rewritten_seq, rewritten_problem, held_after';

export function stateFromRow(row: StateRow): MirrorState {
  return {
    cursor: row.cursor,
    headSeq: row.head_seq,
    stored: row.stored,
    chain: { lastSeq: row.chain_last_seq, lastHash: row.chain_last_hash },
    checked: row.checked,
    bad: row.bad_seq === null ? null : { seq: row.bad_seq, problem: row.bad_problem ?? 'unknown' },
    lastSyncAt: row.last_sync_at ? row.last_sync_at.toISOString() : null,
    searchUpto: row.search_upto,
    lastAtMs: row.last_at_ms,
    atInOrder: row.at_in_order,
    signed: {
      checked: row.cp_checked,
      compared: row.cp_compared,
      lastSeq: row.cp_last_seq,
      rewritten:
        row.rewritten_seq === null ? null : { seq: row.rewritten_seq, problem: row.rewritten_problem ?? 'unknown' },
    },
    heldAfter: row.held_after,
  };
}

/** The single mirror_state row, read through `q` (a transaction sees its own snapshot). */
export async function readState(q: Queryable): Promise<MirrorState> {
  const result = await q.query<StateRow>(`SELECT ${STATE_COLUMNS} FROM mirror_state`);
  const row = result.rows[0];
  if (!row) throw new Error('mirror_state is missing its row');
  return stateFromRow(row);
}
