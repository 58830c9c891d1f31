import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ShopContext } from '../../context';
import type { StorefrontAction } from '../actions';
import type { AssistAccess } from '../assist-access';
import { stateOf } from '../http';
import type { ActionScope, PageScope } from '../policy';
import type { SignedInViewer, StorefrontRequestState } from '../viewer';

export interface RouteDeps {
  scope: FastifyInstance;
  ctx: ShopContext;
  access: AssistAccess;
}

type Handler = (request: FastifyRequest, reply: FastifyReply, state: StorefrontRequestState) => Promise<FastifyReply>;

/** A GET page of the store at `/store/:store<path>`; `who` says who may open it. */
export function page(deps: RouteDeps, path: string, who: PageScope, handler: Handler): void {
  deps.scope.get(`/:store${path}`, { config: { storefrontPage: who } }, (request, reply) =>
    handler(request, reply, stateOf(request)),
  );
}

/**
 * A POST action of the store; `name` is what the audit log and the history call it (`../actions.ts`).
 * `checksPassword` puts it under the per-IP attempt limit. A signed-in viewer's form: `formAction`.
 */
export function action(
  deps: RouteDeps,
  path: string,
  name: StorefrontAction,
  scope: ActionScope,
  handler: Handler,
  options: { checksPassword?: boolean } = {},
): void {
  const rateLimit = options.checksPassword
    ? { rateLimit: { max: deps.ctx.config.authRateLimitPerMinute, timeWindow: 60_000 } }
    : {};
  deps.scope.post(`/:store${path}`, { config: { storefrontAction: { name, scope }, ...rateLimit } }, (request, reply) =>
    handler(request, reply, stateOf(request)),
  );
}

/** The signed-in viewer of a page whose scope the preHandler already enforced. */
export function signedIn(state: StorefrontRequestState): SignedInViewer {
  if (state.viewer.kind === 'anonymous') throw new Error('account route reached without a signed-in viewer');
  return state.viewer;
}

export function queryString(request: FastifyRequest, key: string): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' ? value : undefined;
}

export function param(request: FastifyRequest, key: string): string {
  const value = (request.params as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' ? value : '';
}
