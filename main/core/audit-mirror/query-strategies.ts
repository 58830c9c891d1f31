/**
 * The ways the store answers a viewer query, one named function each, and chooseStrategy, which
 * picks one from the filter, the page asked for and the plan (query-plan.ts). Every strategy
 * returns the same page and total a plain `ORDER BY seq DESC OFFSET … LIMIT …` and a count
 * capped at AUDIT_COUNT_CAP would; they differ in what they read to get there. Why each is
 * faster where it is chosen: docs/PERFORMANCE.md, "Audit mirror: the measurements behind its design".
 */
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import type { AuditEvent } from '../../../shared/api/audit';
import { AUDIT_ACTION_GROUPS } from '../../../shared/audit/action-groups';
import { AUDIT_COLUMN_LIST, eventFromRow, type StoredAuditRow } from '../../../shared/audit/codec';
import { AUDIT_COUNT_CAP, type AuditFilter } from '../../../shared/ipc/contract';
import { filterSql, textOnlySql, type SeqRange, type TextPlan } from './filter-sql';
import type { MirrorState, Queryable } from './store-state';
import { chunkName, newestFirst, type TextChunks } from './text-chunks';

/** Seqs per step when a filter with common text is walked: small enough that a cancelled query stops soon. */
export const WALK_WINDOW = 16_384;

/** A query stopped because its caller no longer wants the answer. */
export class QueryCancelledError extends Error {
  constructor() {
    super('The query was cancelled.');
    this.name = 'AbortError';
  }
}

/** Everything a strategy runs from; `tx` sees the snapshot `state`, `range` and `plan` were read in. */
export interface StrategyInput {
  tx: Queryable;
  chunks: TextChunks;
  filter: AuditFilter;
  offset: number;
  limit: number;
  state: MirrorState;
  range: SeqRange | null;
  plan: TextPlan | null;
  /** Seqs per step of commonTextInWindows. */
  walkWindow: number;
  /** Asked between the steps of a walked query; true stops it with a QueryCancelledError. */
  cancelled?: (() => boolean) | undefined;
}

export interface QueryResult {
  total: number;
  events: AuditEvent[];
}

/** A condition that matches text alone in any order, through the trigram index with the whole text. */
const WHOLE_TEXT_LOOKUP: TextPlan = { walk: false, probes: [] };

/** The events with these seqs, newest first. */
async function eventsBySeq(tx: Queryable, seqs: number[]): Promise<AuditEvent[]> {
  if (seqs.length === 0) return [];
  const rows = await tx.query<StoredAuditRow>(
    `SELECT ${AUDIT_COLUMN_LIST} FROM audit_events WHERE seq = ANY($1::bigint[]) ORDER BY seq DESC`,
    [seqs],
  );
  return rows.rows.map(eventFromRow);
}

/** Matches in `from` (a table and its alias), counted up to the cap: the viewer shows "more than" there. */
async function cappedCount(
  tx: Queryable,
  from: string,
  condition: { sql: string; params: unknown[] },
): Promise<number> {
  const counted = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${from} ${condition.sql} LIMIT ${AUDIT_COUNT_CAP}) AS capped`,
    condition.params,
  );
  return counted.rows[0]?.n ?? 0;
}

/** Which filter fields name actions; a filter with nothing else set is counted from the per-action counts. */
const NAMES_ACTIONS: Record<keyof AuditFilter, boolean> = {
  action: true,
  actionGroup: true,
  staffId: false,
  customerId: false,
  sessionId: false,
  from: false,
  to: false,
  text: false,
};

/** An action or an action group and nothing else (no person, session, time or text). */
export function actionsAlone(filter: AuditFilter): boolean {
  return (Object.keys(filter) as (keyof AuditFilter)[]).every((key) => NAMES_ACTIONS[key] || !filter[key]);
}

/** The stored events of these actions, from the per-action counts, capped as a counted walk would be. */
async function countedActions(tx: Queryable, actions: readonly string[]): Promise<number> {
  const counted = await tx.query<{ n: number }>(
    'SELECT coalesce(sum(n), 0)::bigint AS n FROM audit_action_counts WHERE action = ANY($1::text[])',
    [actions],
  );
  return Math.min(counted.rows[0]?.n ?? 0, AUDIT_COUNT_CAP);
}

/** The actions of a group (named, or a prefix such as `session.`) that this mirror holds events of. */
async function storedActions(tx: Queryable, filter: AuditFilter, group: string): Promise<string[]> {
  const stored = await tx.query<{ action: string }>(
    filter.actionGroup
      ? 'SELECT action FROM audit_action_counts WHERE action = ANY($1::text[]) AND n > 0'
      : 'SELECT action FROM audit_action_counts WHERE starts_with(action, $1) AND n > 0',
    [filter.actionGroup ? AUDIT_ACTION_GROUPS[filter.actionGroup] : group],
  );
  return stored.rows.map((r) => r.action);
}

/** The highest seq when the stored events are exactly seq 1..n with no gaps (a full reader's log), else null. */
async function denseTop(tx: Queryable, stored: number): Promise<number | null> {
  const bounds = await tx.query<{ lo: number | null; hi: number | null }>(
    'SELECT min(seq) AS lo, max(seq) AS hi FROM audit_events',
  );
  const { lo, hi } = bounds.rows[0] ?? { lo: null, hi: null };
  return lo !== null && hi !== null && hi - lo + 1 === stored ? hi : null;
}

/**
 * The newest `need` events whose search text holds the (common) text, chunk by chunk from
 * the newest: walked to where the text is common, looked up through the chunk's trigram index
 * where the sample found it rare (say, the newest events are one agent's page views and the
 * text is another staff member's name).
 */
async function newestCommonText(
  tx: Queryable,
  chunks: TextChunks,
  filter: AuditFilter,
  plan: TextPlan,
  need: number,
): Promise<number[]> {
  const rare = new Set(plan.rareInChunks);
  const walked = textOnlySql(filter, { walk: true, probes: [] });
  const lookedUp = textOnlySql(filter, WHOLE_TEXT_LOOKUP);
  if (!walked || !lookedUp) return [];
  const found: number[] = [];
  for (const k of newestFirst(chunks)) {
    const where = rare.has(k) && chunks.indexed.has(k) ? lookedUp : walked;
    const rows = await tx.query<{ seq: number }>(
      `SELECT s.seq FROM ${chunkName(k)} s ${where.sql} ORDER BY s.seq DESC LIMIT ${need - found.length}`,
      where.params,
    );
    for (const row of rows.rows) found.push(row.seq);
    if (found.length >= need) break;
  }
  return found;
}

/**
 * Common text alone: the page walks audit_search newest first (its matches are near), the first
 * pages chunk by chunk (newestCommonText), deeper ones in one walk. The capped count takes
 * matches in any order: walking the search text when the text is very common, otherwise through
 * the whole text's trigrams.
 */
export async function commonTextAlone(input: StrategyInput): Promise<QueryResult> {
  const { tx, chunks, filter, offset, limit, plan } = input;
  const textOnly = textOnlySql(filter, plan);
  if (!textOnly || !plan?.walk) throw new Error('commonTextAlone answers a filter of common text alone.');
  const seqs =
    offset + limit <= AUDIT_COUNT_CAP
      ? (await newestCommonText(tx, chunks, filter, plan, offset + limit)).slice(offset)
      : (
          await tx.query<{ seq: number }>(
            `SELECT s.seq FROM audit_search s ${textOnly.sql} ORDER BY s.seq DESC OFFSET ${offset} LIMIT ${limit}`,
            textOnly.params,
          )
        ).rows.map((r) => r.seq);
  const events = await eventsBySeq(tx, seqs);
  if (offset === 0 && events.length < limit) return { total: events.length, events };
  const counting = plan.countByWalk ? textOnly : (textOnlySql(filter, WHOLE_TEXT_LOOKUP) ?? textOnly);
  return { total: await cappedCount(tx, 'audit_search s', counting), events };
}

/**
 * Text through the trigram index (alone or with other filters): one pass finds the matches (up
 * to the cap) newest first; the page is a slice of them and the total their number, instead of
 * a second search.
 */
export async function textThroughIndex(input: StrategyInput): Promise<QueryResult> {
  const { tx, filter, offset, limit, range, plan } = input;
  const textOnly = textOnlySql(filter, plan);
  const where = filterSql(filter, range, plan);
  const found = textOnly
    ? await tx.query<{ seq: number }>(
        `SELECT s.seq FROM audit_search s ${textOnly.sql} ORDER BY s.seq DESC LIMIT ${AUDIT_COUNT_CAP}`,
        textOnly.params,
      )
    : await tx.query<{ seq: number }>(
        `SELECT seq FROM audit_events ${where.sql} ORDER BY seq DESC LIMIT ${AUDIT_COUNT_CAP}`,
        where.params,
      );
  const page = found.rows.slice(offset, offset + limit).map((r) => r.seq);
  const events = await eventsBySeq(tx, page);
  return { total: found.rows.length, events };
}

/**
 * Common text with other filters: walked newest first, a window of seqs per statement, each
 * reading that range of the events and of their text only, up to the count's cap (one pass
 * yields the page and the total). Text of a few letters with a filter it rarely meets walks the
 * whole log; between windows, a cancelled query stops.
 */
export async function commonTextInWindows(input: StrategyInput): Promise<QueryResult> {
  const { tx, filter, offset, limit, state, range, plan, walkWindow, cancelled } = input;
  const found: number[] = [];
  const bottom = Math.max(1, range?.lo ?? 1);
  for (
    let hi = Math.min(state.cursor, range?.hi ?? state.cursor);
    hi >= bottom && found.length < AUDIT_COUNT_CAP;
    hi -= walkWindow
  ) {
    await yieldToEvents();
    if (cancelled?.()) throw new QueryCancelledError();
    const window = filterSql(filter, { lo: Math.max(bottom, hi - walkWindow + 1), hi }, plan);
    const rows = await tx.query<{ seq: number }>(
      `SELECT seq FROM audit_events ${window.sql} ORDER BY seq DESC LIMIT ${AUDIT_COUNT_CAP - found.length}`,
      window.params,
    );
    for (const row of rows.rows) found.push(row.seq);
  }
  return { total: found.length, events: await eventsBySeq(tx, found.slice(offset, offset + limit)) };
}

/** The action group a filter asks for: a named group, or an action prefix such as `session.`. */
export function actionGroupOf(filter: AuditFilter): string | null {
  return filter.actionGroup ?? (filter.action?.endsWith('.') ? filter.action : null);
}

/**
 * An action group alone: the newest events of each of its actions, one (action, seq) index walk
 * each, merged. Walking all events newest first instead reads every newer event of other
 * actions (say, the newest events are all page views). Its actions, and without a time range
 * its count, come from the per-action counts.
 */
export async function actionGroupAlone(input: StrategyInput): Promise<QueryResult> {
  const { tx, filter, offset, limit, range, plan } = input;
  const group = actionGroupOf(filter);
  if (!group) throw new Error('actionGroupAlone answers a filter with an action group.');
  const where = filterSql(filter, range, plan);
  const actions = await storedActions(tx, filter, group);
  const branches = actions.map(
    (_, i) =>
      `(SELECT seq FROM audit_events ${where.sql} AND action = $${where.params.length + i + 1} ORDER BY seq DESC LIMIT ${offset + limit})`,
  );
  const found =
    branches.length === 0
      ? []
      : (
          await tx.query<{ seq: number }>(
            `SELECT seq FROM (${branches.join(' UNION ALL ')}) AS newest ORDER BY seq DESC OFFSET ${offset} LIMIT ${limit}`,
            [...where.params, ...actions],
          )
        ).rows;
  const seqs = found.map((r) => r.seq);
  const events = await eventsBySeq(tx, seqs);
  if (offset === 0 && events.length < limit) return { total: events.length, events };
  const total = actionsAlone(filter) ? await countedActions(tx, actions) : await cappedCount(tx, 'audit_events', where);
  return { total, events };
}

/**
 * Any other filter, and no filter: the page by OFFSET over the filter's indexes, and the capped
 * count. A complete log (no gaps in seq) turns "row N from the top" into one primary-key probe,
 * so a jump deep into the log costs what the first page does.
 */
export async function plainPage(input: StrategyInput): Promise<QueryResult> {
  const { tx, filter, offset, limit, state, range, plan } = input;
  const where = filterSql(filter, range, plan);
  // Common text: counting to the cap by walking reads every event on the way; the trigram index
  // with the whole text (its word boundaries narrow a phrase) finds the cap's matches sooner.
  const countWhere = plan?.walk ? filterSql(filter, range, WHOLE_TEXT_LOOKUP) : where;
  const dense = where.params.length === 0 ? await denseTop(tx, state.stored) : null;
  const events =
    dense === null
      ? await tx.query<StoredAuditRow>(
          `SELECT ${AUDIT_COLUMN_LIST} FROM audit_events ${where.sql} ORDER BY seq DESC OFFSET $${where.params.length + 1} LIMIT $${where.params.length + 2}`,
          [...where.params, offset, limit],
        )
      : await tx.query<StoredAuditRow>(
          `SELECT ${AUDIT_COLUMN_LIST} FROM audit_events WHERE seq <= $1 ORDER BY seq DESC LIMIT $2`,
          [dense - offset, limit],
        );
  let total: number;
  if (where.params.length === 0) {
    total = state.stored;
  } else if (offset === 0 && events.rows.length < limit) {
    // The first page holds every match: that is the total, no second walk needed.
    total = Math.min(events.rows.length, AUDIT_COUNT_CAP);
  } else if (filter.action && !filter.action.endsWith('.') && !filter.actionGroup && actionsAlone(filter)) {
    total = await countedActions(tx, [filter.action]);
  } else {
    total = await cappedCount(tx, 'audit_events', countWhere);
  }
  return { total, events: events.rows.map(eventFromRow) };
}

export const QUERY_STRATEGIES = {
  commonTextAlone,
  textThroughIndex,
  commonTextInWindows,
  actionGroupAlone,
  plainPage,
} as const satisfies Record<string, (input: StrategyInput) => Promise<QueryResult>>;

export type StrategyName = keyof typeof QUERY_STRATEGIES;

/**
 * The strategy for a query, from the filter, the page asked for, the seq range of its times
 * (null when they are not in seq order or not asked for) and how its text is found. The
 * specialised strategies serve pages within the count's cap; deeper pages, and anything
 * they do not cover, are a plainPage.
 */
export function chooseStrategy(
  filter: AuditFilter,
  offset: number,
  limit: number,
  range: SeqRange | null,
  plan: TextPlan | null,
): StrategyName {
  const withinCap = offset + limit <= AUDIT_COUNT_CAP;
  const textOnly = textOnlySql(filter, plan) !== null;
  if (textOnly && plan?.walk) return 'commonTextAlone';
  if (plan && !plan.walk && withinCap) return 'textThroughIndex';
  // A time range not turned into seqs (times out of order) cannot be walked window by window.
  if (plan?.walk && !textOnly && withinCap && (range !== null || (!filter.from && !filter.to)))
    return 'commonTextInWindows';
  if (actionGroupOf(filter) && !filter.staffId && !filter.customerId && !filter.sessionId && !filter.text && withinCap)
    return 'actionGroupAlone';
  return 'plainPage';
}
