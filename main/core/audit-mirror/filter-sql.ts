import type { AuditFilter } from '../../../shared/ipc/contract';
import { SEARCH_TEXT_SQL } from './schema';

/** Escapes LIKE's wildcards so the viewer's text is matched literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The first string after every string that starts with `prefix` (for an index range scan). */
function prefixUpperBound(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

/** Seq bounds known to equal the filter's time range (see store.ts, seqRange). */
export interface SeqRange {
  lo?: number;
  hi?: number;
}

/**
 * The WHERE clause for a viewer filter, with positional parameters. Each condition has an
 * index in the mirror's schema. Text uses the trigram index of audit_search for events up to
 * `searchUpto`, and matches the events after it (not indexed yet) directly, so results are
 * complete while the index catches up.
 */
export function filterSql(filter: AuditFilter, searchUpto: number, lastSeq: number, seqRange: SeqRange | null = null): { sql: string; params: unknown[] } {
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
      conditions.push(`action >= ${prefix} AND action < ${param(prefixUpperBound(filter.action))} AND starts_with(action, ${prefix})`);
    } else {
      conditions.push(`action = ${param(filter.action)}`);
    }
  }
  if (filter.from) conditions.push(`at_ts >= ${param(filter.from)}::timestamptz`);
  if (filter.to) conditions.push(`at_ts <= ${param(filter.to)}::timestamptz`);
  // Redundant with the time conditions, but lets the planner walk any (…, seq) index straight to the window.
  if (seqRange?.lo !== undefined) conditions.push(`seq >= ${param(seqRange.lo)}`);
  if (seqRange?.hi !== undefined) conditions.push(`seq <= ${param(seqRange.hi)}`);
  const text = filter.text?.trim().toLowerCase();
  if (text) {
    const pattern = param(`%${escapeLike(text)}%`);
    const indexed = `seq IN (SELECT s.seq FROM audit_search s WHERE s.search LIKE ${pattern})`;
    conditions.push(searchUpto >= lastSeq ? indexed : `(${indexed} OR (seq > ${param(searchUpto)} AND ${SEARCH_TEXT_SQL} LIKE ${pattern}))`);
  }
  return { sql: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', params };
}
