import {
  defineMiddlewares,
  type MedusaNextFunction,
  type MedusaRequest,
  type MedusaResponse,
} from '@medusajs/framework/http';
import { createConciergeApp } from '../concierge/app';
import { CONCIERGE_PREFIX } from '../concierge/deps';

let app: ReturnType<typeof createConciergeApp> | null = null;

/** The Concierge plugin answers everything under /concierge itself (Medusa's body parsers off: it reads bodies itself). */
async function concierge(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction): Promise<void> {
  try {
    app ??= createConciergeApp(req.scope);
    await app(req, res, req.originalUrl.slice(CONCIERGE_PREFIX.length));
  } catch (error) {
    next(error);
  }
}

export default defineMiddlewares({
  routes: [{ matcher: `${CONCIERGE_PREFIX}/*`, bodyParser: false, middlewares: [concierge] }],
});
