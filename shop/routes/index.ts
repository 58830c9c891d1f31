import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ShopContext } from '../context';
import { authRoutes } from './auth';
import { registerAuditRoutes } from './audit';
import { customerRoutes } from './customers';
import { registerSessionRoutes } from './sessions';
import { registerSettingsRoutes } from './settings';
import { storeRoutes } from './stores';

export type ApiApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** Route modules of the Assistance API, each `(api, ctx) => void`, mounted at /api/v1. */
const modules: ((api: ApiApp, ctx: ShopContext) => void)[] = [
  authRoutes,
  registerSessionRoutes,
  registerSettingsRoutes,
  registerAuditRoutes,
  storeRoutes,
  customerRoutes,
];

export function registerApiRoutes(api: ApiApp, ctx: ShopContext): void {
  for (const register of modules) register(api, ctx);
}
