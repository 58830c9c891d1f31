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
