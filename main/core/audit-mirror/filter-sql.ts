import { AUDIT_ACTION_GROUPS } from '../../../shared/audit/action-groups';
import type { AuditFilter } from '../../../shared/ipc/contract';

/** Escapes LIKE's wildcards so the viewer's text is matched literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The first string after every string that starts with `prefix` (for an index range scan). */
export function prefixUpperBound(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

/**
 * Seq bounds known to equal the filter's time range (see query-plan.ts, seqRange): the log's times
 * are in seq order, so the time conditions themselves are left out and every (…, seq) index
 * serves the range directly, index-only where the index covers the rest.
 */
export interface SeqRange {
  lo?: number;
  hi?: number;
}

/**
 * Parts of the text the trigram index can look up cheaply: its runs of letters and digits of
 * three or more, each matched inside a word ('%run%'). A pattern such as '%sku-1037%' makes
 * pg_trgm also look up word-boundary trigrams ('  1', ' 10'), which nearly every event has; the
 * runs alone leave those out. Any part of the text is a necessary condition, and the exact
 * substring test beside it decides.
 */
export function textProbes(text: string): string[] {
  const runs = text.match(/[a-z0-9]{3,}/g) ?? [];
  return [...new Set(runs)];
}

/**
 * How to find the text: `walk` tests every candidate's text directly (cheap when the text is
 * common: the newest matches come first), otherwise the trigram index is asked for the given
 * probes (all of the text's runs when unsure). The store picks by sampling the newest events.
 */
export interface TextPlan {
  walk: boolean;
  probes: string[];
  /**
   * Text so common (in a tenth of the events or more) that reading the search text in storage
   * order finds the count's cap of matches within about 100,000 rows: cheaper than the trigram
   * index, whose posting lists for such text are as long as the matches (and every candidate
   * is then tested twice).
   */
  countByWalk?: boolean;
  /**
   * Text chunks in whose sampled events the text was rare (under 2 %), though common overall:
   * their matches are looked up through the chunk's trigram index rather than walked to (a
   * walk through such a chunk tests every event in it for a handful of matches).
   */
  rareInChunks?: number[];
}

/** The condition on audit_search `s` for a (trimmed, lowercased) text, parameters added through `param`. */
function textCondition(text: string, textPlan: TextPlan | null, param: (value: unknown) => string): string {
  // strpos is the exact, literal substring test (LIKE '%text%' with the text escaped).
  const needle = param(text);
  const plan = textPlan ?? { walk: false, probes: textProbes(text) };
  const lookup = plan.walk
    ? ''
    : plan.probes.length > 0
      ? `${plan.probes.map((run) => `s.search LIKE ${param(`%${escapeLike(run)}%`)}`).join(' AND ')} AND `
      : `s.search LIKE ${param(`%${escapeLike(text)}%`)} AND `;
  return `${lookup}strpos(s.search, ${needle}) > 0`;
}

/**
 * A filter with nothing but text is answered from audit_search alone (every stored event has
 * its row there): the WHERE clause on `audit_search s`, or null for any other filter.
 */
export function textOnlySql(filter: AuditFilter, textPlan: TextPlan | null): { sql: string; params: unknown[] } | null {
  const text = filter.text?.trim().toLowerCase();
  if (
    !text ||
    filter.staffId ||
    filter.customerId ||
    filter.sessionId ||
    filter.action ||
    filter.actionGroup ||
    filter.from ||
    filter.to
  )
    return null;
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  return { sql: `WHERE ${textCondition(text, textPlan, param)}`, params };
}

/**
 * The WHERE clause for a viewer filter, with positional parameters. Each condition has an
 * index in the mirror's schema. Text is looked up in audit_search, which holds every stored
 * event's search text: through each chunk's trigram index, or by scanning a chunk not indexed
 * yet (the same conditions, checked row by row), so results are complete throughout.
 */
export function filterSql(
  filter: AuditFilter,
  seqRange: SeqRange | null = null,
  textPlan: TextPlan | null = null,
): { sql: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.staffId) conditions.push(`actor_type = 'staff' AND actor_id = ${param(filter.staffId)}`);
  if (filter.customerId) conditions.push(`customer_id = ${param(filter.customerId)}`);
  if (filter.sessionId) conditions.push(`session_id = ${param(filter.sessionId)}`);
  if (filter.action) {
    if (filter.action.endsWith('.')) {
      // A group such as `session.`: a range the (action, seq) index can scan, checked exactly.
      const prefix = param(filter.action);
      conditions.push(
        `action >= ${prefix} AND action < ${param(prefixUpperBound(filter.action))} AND starts_with(action, ${prefix})`,
      );
    } else {
      conditions.push(`action = ${param(filter.action)}`);
    }
  }
  // A named group: its actions, each an equality the (action, seq) index serves.
  if (filter.actionGroup) conditions.push(`action = ANY(${param(AUDIT_ACTION_GROUPS[filter.actionGroup])}::text[])`);
  if (seqRange) {
    if (seqRange.lo !== undefined) conditions.push(`seq >= ${param(seqRange.lo)}`);
    if (seqRange.hi !== undefined) conditions.push(`seq <= ${param(seqRange.hi)}`);
  } else {
    if (filter.from) conditions.push(`at_ts >= ${param(filter.from)}::timestamptz`);
    if (filter.to) conditions.push(`at_ts <= ${param(filter.to)}::timestamptz`);
  }
  const text = filter.text?.trim().toLowerCase();
  if (text) {
    // The seq range inside too: the planner then reads only that range of the search text (and
    // only the chunks it falls in) rather than hashing every event's text to join with it.
    const within = [
      ...(seqRange?.lo !== undefined ? [`s.seq >= ${param(seqRange.lo)}`] : []),
      ...(seqRange?.hi !== undefined ? [`s.seq <= ${param(seqRange.hi)}`] : []),
    ];
    conditions.push(
      `seq IN (SELECT s.seq FROM audit_search s WHERE ${[...within, textCondition(text, textPlan, param)].join(' AND ')})`,
    );
  }
  return { sql: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', params };
}
