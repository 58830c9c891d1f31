/**
 * GET /audit/search: the viewer's filters over the shop's whole log, newest first, a keyset page
 * at a time. Each (scope part × action) is one index walk from the cursor, LIMIT rows at most,
 * so a page costs the same however long the log: shop/README.md, "Audit search".
 */

import { AuditAction, type AuditSearchQuery } from '../../shared/api/audit';
import { AUDIT_ACTION_GROUPS } from '../../shared/audit/action-groups';
import type { Queryable } from '../db/database';
import { AUDIT_TEXT_COLUMNS, type AuditTextRow } from './page-json';
import { ownWalks, type AuditReadScope } from './read-scope';

/**
 * The actions the query allows, or null for any: `action` (one, or a prefix's) and the group's,
 * both when both are given. Resolved here so every walk is an equality on the (…, action, seq) indexes.
 */
export function searchedActions(query: Pick<AuditSearchQuery, 'action' | 'actionGroup'>): AuditAction[] | null {
  let actions: AuditAction[] | null = null;
  const { action, actionGroup } = query;
  if (action !== undefined)
    actions = action.endsWith('.')
      ? AuditAction.options.filter((a) => a.startsWith(action))
      : [AuditAction.parse(action)];
  if (actionGroup !== undefined) {
    const group = AUDIT_ACTION_GROUPS[actionGroup];
    actions = actions === null ? [...group] : actions.filter((a) => group.includes(a));
  }
  return actions;
}

/** One walk: the scope part's condition, and the one action that part is limited to, if any. */
interface ScopePart {
  condition: string | null;
  only?: AuditAction;
}

function scopeParts(scope: AuditReadScope, param: (value: unknown) => string): ScopePart[] {
  if (scope.all) return [{ condition: null }];
  const own = ownWalks(param(scope.staffId));
  return [{ condition: own.acted }, { condition: own.sessionEnds, only: 'session.end' }];
}

/** The filter's conditions on `audit_events e` other than the action, with the cursor. */
function filterConditions(query: AuditSearchQuery, param: (value: unknown) => string): string[] {
  const conditions: string[] = [];
  if (query.staffId) conditions.push(`e.actor_type = 'staff' AND e.actor_id = ${param(query.staffId)}`);
  if (query.customerId) conditions.push(`e.customer_id = ${param(query.customerId)}`);
  if (query.sessionId) conditions.push(`e.session_id = ${param(query.sessionId)}`);
  if (query.from) conditions.push(`e.at >= ${param(query.from)}::timestamptz`);
  if (query.to) conditions.push(`e.at <= ${param(query.to)}::timestamptz`);
  if (query.before !== undefined) conditions.push(`e.seq < ${param(query.before)}`);
  return conditions;
}

/** The statement for the seqs of one page, or null when the filters cannot match anything. */
export function searchSql(scope: AuditReadScope, query: AuditSearchQuery): { sql: string; params: unknown[] } | null {
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${String(params.length)}`;
  };
  const limit = param(query.limit);
  const actions = searchedActions(query);
  const common = filterConditions(query, param);
  const walks: string[] = [];
  for (const part of scopeParts(scope, param)) {
    const partActions = part.only
      ? actions === null || actions.includes(part.only)
        ? [null]
        : []
      : (actions ?? [null]);
    for (const action of partActions) {
      const conditions = [...common, ...(part.condition ? [part.condition] : [])];
      if (action !== null) conditions.push(`e.action = ${param(action)}`);
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
      walks.push(`(SELECT e.seq FROM audit_events e ${where} ORDER BY e.seq DESC LIMIT ${limit})`);
    }
  }
  if (walks.length === 0) return null;
  // UNION: an own reader's end of their session that they recorded themself is found twice.
  return { sql: `SELECT seq FROM (${walks.join(' UNION ')}) w ORDER BY seq DESC LIMIT ${limit}`, params };
}

// By their seqs, in a statement of its own: joined to the walks, the planner may instead read the
// primary key down from the newest event until it has met them all (hundreds of thousands of rows).
const ROWS_BY_SEQ = `SELECT ${AUDIT_TEXT_COLUMNS} FROM audit_events WHERE seq = ANY($1::bigint[]) ORDER BY seq DESC`;

/** One page of the reader's events matching the query, newest first, and the cursor for the next. */
export async function searchAudit(
  db: Queryable,
  scope: AuditReadScope,
  query: AuditSearchQuery,
): Promise<{ rows: AuditTextRow[]; nextBefore: number | null }> {
  const statement = searchSql(scope, query);
  if (!statement) return { rows: [], nextBefore: null };
  // Prepared: a handful of statement shapes, each an index walk per partition; planning it per call would cost more.
  const found = await db.query<{ seq: number }>(statement.sql, statement.params, { prepare: true });
  const seqs = found.rows.map((r) => r.seq);
  if (seqs.length === 0) return { rows: [], nextBefore: null };
  // Planned with the seqs, so only the partitions holding them are read. Events are never changed
  // or removed, so those found above are there to read outside a transaction too.
  const { rows } = await db.query<AuditTextRow>(ROWS_BY_SEQ, [seqs]);
  return { rows, nextBefore: seqs.length === query.limit ? (seqs.at(-1) ?? null) : null };
}
