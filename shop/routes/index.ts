import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { recordAccessDenials } from '../audit/access-denied';
import type { ShopContext } from '../context';
import { registerStaffAuthRoutes } from './auth';
import { registerAuditRoutes } from './audit';
import { registerCustomerRoutes } from './customers';
import { registerEventRoutes } from './events';
import { registerSessionRoutes } from './sessions';
import { registerSettingsRoutes } from './settings';
import { registerStoreRoutes } from './stores';

export type ApiApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Route modules of the Assistance API, each `(api, ctx) => void`, mounted at /api/v1. */
const modules: ((api: ApiApp, ctx: ShopContext) => void)[] = [
  registerStaffAuthRoutes,
  registerSessionRoutes,
  registerSettingsRoutes,
  registerAuditRoutes,
  registerStoreRoutes,
  registerCustomerRoutes,
  registerEventRoutes,
];

export function registerApiRoutes(api: ApiApp, ctx: ShopContext): void {
  // First, so every route's 403 for a missing permission is on record.
  api.addHook('onError', recordAccessDenials(ctx.refusals));
  for (const register of modules) register(api, ctx);
}
