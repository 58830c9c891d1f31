import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MedusaContainer } from '@medusajs/framework/types';
import { auditRoutes } from './audit/routes';
import { authRoutes } from './auth/routes';
import { customerRoutes } from './customer-routes';
import { depsFrom, type Deps } from './deps';
import { createEventFeed, handleEvents } from './events';
import { createApiRouter, sendJson } from './router';
import { sessionRoutes } from './sessions/routes';
import { handleStorefront } from './storefront/handle';

const handleApi = createApiRouter([...authRoutes, ...customerRoutes, ...sessionRoutes, ...auditRoutes]);

/**
 * Everything under `/concierge`: the Assistance API at `/api/v1/…` and the assisted storefront at
 * `/store/<code>/…`. `path` is the request's path and query below the prefix.
 */
export function createConciergeApp(container: MedusaContainer) {
  let deps: Deps | null = null;
  let feed: ReturnType<typeof createEventFeed> | null = null;
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    deps ??= depsFrom(container);
    feed ??= createEventFeed(deps);
    if (req.method === 'GET' && path.split('?')[0] === '/api/v1/events') return handleEvents(deps, feed, req, res);
    if (path.startsWith('/api/v1/')) return handleApi(deps, req, res, path.slice('/api/v1'.length));
    if (path.startsWith('/store/')) return handleStorefront(deps, req, res, path);
    sendJson(res, 404, { error: { code: 'not_found', message: 'No such route.' } });
  };
}
