import type { AuditFilter } from '../../../shared/ipc/contract';
import { textProbes, type SeqRange, type TextPlan } from './filter-sql';
import { readState, type MirrorState, type Queryable } from './store-state';

/** Events sampled to choose how to search a text (see textPlan). */
const TEXT_SAMPLE = 1000;
/** Text in this share of the sample or more is walked to rather than looked up. */
const WALK_SHARE = 0.02;
/** Text in this share of the sample or more is counted by walking too (TextPlan.countByWalk). */
const COUNT_BY_WALK_SHARE = 0.1;
/** A probe in less than this share of the sample narrows the index lookup; a commoner one only costs. */
const RARE_PROBE_SHARE = 0.05;
/** Sampled events a chunk needs before its own share is trusted (TextPlan.rareInChunks). */
const CHUNK_SAMPLE_MIN = 20;

/**
 * The seq range equal to the filter's time range, when the log's times are in seq order:
 * the first event at or after `from` and the last at or before `to`, each one index probe.
 * Capped at the cursor, so events stored later (possibly out of time order) stay out.
 */
export async function seqRange(q: Queryable, filter: AuditFilter, state: MirrorState): Promise<SeqRange | null> {
  if (!state.atInOrder || (!filter.from && !filter.to)) return null;
  const range: SeqRange = { hi: state.cursor };
  if (filter.from) {
    const first = await q.query<{ seq: number }>(
      'SELECT seq FROM audit_events WHERE at_ts >= $1::timestamptz ORDER BY at_ts, seq LIMIT 1',
      [filter.from],
    );
    range.lo = first.rows[0]?.seq ?? Number.MAX_SAFE_INTEGER;
  }
  if (filter.to) {
    const last = await q.query<{ seq: number }>(
      'SELECT seq FROM audit_events WHERE at_ts <= $1::timestamptz ORDER BY at_ts DESC, seq DESC LIMIT 1',
      [filter.to],
    );
    range.hi = Math.min(state.cursor, last.rows[0]?.seq ?? 0);
  }
  return range;
}

/**
 * Samples about TEXT_SAMPLE events' search text from all over the log (random pages, the same
 * ones each time) for the text and for each of its probes (filter-sql.ts): text in WALK_SHARE
 * of them or more, or text none of whose probes is rare, is walked to newest first (its newest
 * matches are near), and counted by walking too from COUNT_BY_WALK_SHARE on; otherwise the
 * index is asked only for the probes that are rare in the sample, since a common one (say
 * `sku`) costs a long posting list and narrows nothing. `chunkSize`: events per text chunk.
 */
export async function textPlan(
  q: Queryable,
  filter: AuditFilter,
  stored: number,
  chunkSize: number,
): Promise<TextPlan | null> {
  const text = filter.text?.trim().toLowerCase();
  if (!text) return null;
  const probes = textProbes(text);
  const counts = [text, ...probes]
    .map((_, i) => `count(*) FILTER (WHERE strpos(search, $${i + 1}) > 0)::int AS c${i}`)
    .join(', ');
  const sample = await q.query<Record<string, number>>(
    `SELECT (seq - 1) / ${chunkSize} AS k, count(*)::int AS n, ${counts}
       FROM (SELECT seq, search FROM audit_search TABLESAMPLE SYSTEM ($${probes.length + 2}) REPEATABLE (7) LIMIT ${TEXT_SAMPLE * 2}) AS sample GROUP BY k`,
    [text, ...probes, Math.min(100, (100 * TEXT_SAMPLE) / Math.max(1, stored))],
  );
  const sum = (column: string) => sample.rows.reduce((total, row) => total + (row[column] ?? 0), 0);
  const n = sum('n');
  if (n < TEXT_SAMPLE / 10) return { walk: false, probes };
  const share = (i: number) => sum(`c${i}`) / n;
  const rare = probes.filter((_, i) => share(i + 1) < RARE_PROBE_SHARE);
  // Common text, or text whose every probe is common (say `sku-10`: only `sku` is long enough,
  // and nearly every order event has it): the index would not narrow it, a walk finds it.
  if (share(0) >= WALK_SHARE || (probes.length > 0 && rare.length === 0)) {
    const rareInChunks = sample.rows
      .filter((row) => (row.n ?? 0) >= CHUNK_SAMPLE_MIN && (row.c0 ?? 0) / (row.n ?? 1) < WALK_SHARE)
      .map((row) => Number(row.k));
    return { walk: true, probes, countByWalk: share(0) >= COUNT_BY_WALK_SHARE, rareInChunks };
  }
  return { walk: false, probes: rare.length > 0 ? rare : probes };
}

/** What a query or a scan runs from: the state, the seq range for its times and how to find its text, seen in one snapshot. */
export interface QueryPlan {
  state: MirrorState;
  range: SeqRange | null;
  plan: TextPlan | null;
}

export async function planQuery(q: Queryable, filter: AuditFilter, chunkSize: number): Promise<QueryPlan> {
  const state = await readState(q);
  const range = await seqRange(q, filter, state);
  const plan = await textPlan(q, filter, state.stored, chunkSize);
  return { state, range, plan };
}
