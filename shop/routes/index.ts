import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ShopContext } from '../context';

export type ApiApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** Route modules of the Assistance API, each `(api, ctx) => void`, mounted at /api/v1. */
const modules: ((api: ApiApp, ctx: ShopContext) => void)[] = [];

export function registerApiRoutes(api: ApiApp, ctx: ShopContext): void {
  for (const register of modules) register(api, ctx);
}
