import type { FastifyRequest } from 'fastify';
import { appendAudit } from '../audit/append';
import { routeOf } from '../audit/access-denied';
import type { RefusalRecorder } from '../audit/refusal-aggregator';
import type { Queryable } from '../db/database';
import type { Clock } from '../lib/clock';
import type { StorefrontRequestState } from './viewer';

type AssistedState = StorefrontRequestState & {
  viewer: Extract<StorefrontRequestState['viewer'], { kind: 'assisted' }>;
};

export function isAssisted(state: StorefrontRequestState | null): state is AssistedState {
  return state?.viewer.kind === 'assisted';
}

/** The path and query the staff member requested, as the history and the audit log show it. */
export function requestedPath(request: FastifyRequest): string {
  return request.url.slice(0, 500);
}

/**
 * Records one request of an assisted session: actor the staff member, subject the customer.
 * Called exactly once per assisted request, inside the transaction of the change when there is one.
 */
export async function auditAssistedRequest(
  tx: Queryable,
  clock: Clock,
  request: FastifyRequest,
  state: AssistedState,
  event: { action: 'session.page_view' | 'session.action'; details: Record<string, unknown> },
): Promise<void> {
  const { session, customer } = state.viewer;
  if (event.action === 'session.page_view') await recordCurrentPage(tx, clock, request, session.id, event.details);
  await appendAudit(tx, clock, {
    action: event.action,
    actor: { type: 'staff', id: session.staffId, name: session.staffName },
    customerId: customer.id,
    sessionId: session.id,
    ip: request.ip,
    userAgent: request.headers['user-agent'] ?? null,
    details: { path: requestedPath(request), method: request.method, store: state.store.code, ...event.details },
  });
  state.audited = true;
}

/**
 * Keeps the session's current page (title, path, when) for the live-sessions view. Written before
 * the audit event so this transaction takes the session row before the audit lock, as ending does.
 */
async function recordCurrentPage(
  tx: Queryable,
  clock: Clock,
  request: FastifyRequest,
  sessionId: string,
  details: Record<string, unknown>,
): Promise<void> {
  const title = typeof details.title === 'string' ? details.title.slice(0, 200) : null;
  await tx.query(
    `UPDATE assist_sessions SET current_page = $2, current_page_path = $3, current_page_at = $4
      WHERE id = $1 AND status = 'active'`,
    [sessionId, title, requestedPath(request).split('?')[0] ?? '/', clock.now()],
  );
}

/**
 * Records a refused assisted action as session.action_refused, aggregated per session, route and
 * reason (audit/refusal-aggregator.ts); it stands for the request's one audit record.
 */
export async function recordRefusedAction(
  refusals: RefusalRecorder,
  request: FastifyRequest,
  state: AssistedState,
  reason: string,
  details: Record<string, unknown>,
): Promise<void> {
  const { session, customer } = state.viewer;
  await refusals.record({
    action: 'session.action_refused',
    staff: { id: session.staffId, name: session.staffName },
    customerId: customer.id,
    sessionId: session.id,
    route: routeOf(request),
    reason,
    address: request.ip,
    userAgent: request.headers['user-agent'] ?? null,
    details: { path: requestedPath(request), method: request.method, store: state.store.code, ...details },
  });
  state.audited = true;
}
