import type { FastifyReply, FastifyRequest } from 'fastify';
import { PermissionDenied } from '../lib/errors';
import type { RefusalRecorder } from './refusal-aggregator';

/** The route a request matched, as refusals are keyed: method and pattern, never the URL's query. */
export function routeOf(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? '(no route)'}`;
}

/**
 * onError hook of the API: every PermissionDenied (the guard, the session checks) is recorded as
 * access.denied, aggregated per staff member, route and reason, before the 403 is sent.
 */
export function recordAccessDenials(refusals: RefusalRecorder) {
  return async (request: FastifyRequest, _reply: FastifyReply, error: Error): Promise<void> => {
    if (!(error instanceof PermissionDenied)) return;
    try {
      await refusals.record({
        action: 'access.denied',
        staff: { id: error.staff.id, name: error.staff.name },
        route: routeOf(request),
        reason: error.reason,
        address: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      });
    } catch (failure) {
      // The 403 stands; the event stays queued and is written with the next one (refusal-aggregator.ts).
      request.log.error({ err: failure }, 'recording an access denial failed');
    }
  };
}
