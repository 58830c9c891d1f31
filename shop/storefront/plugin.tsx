import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ShopContext } from '../context';
import { databaseRateLimitStore } from '../lib/rate-limit-store';
import { shopAssistAccess, type AssistAccess } from './assist-access';
import { isAssisted } from './audit';
import { csrfTokenMatches } from './csrf';
import { listStores } from './data/stores';
import { PageError, pageNotFound } from './errors';
import { redirectTo, sendErrorPage } from './http';
import { resolveViewer, storeOfRequest } from './identity';
import { BarePage, renderDocument } from './layout';
import { LOCAL_TIME_SCRIPT_HASH } from './local-time';
import { assistedMayView, decideAssistedAction, needsSignIn, refusalMessage } from './policy';
import { registerAccountRoutes } from './routes/account';
import { registerAssistEntryRoutes } from './routes/assist-entry';
import { registerAssistanceRoutes } from './routes/assistance';
import { registerCustomerAuthRoutes } from './routes/auth';
import { registerCartRoutes } from './routes/cart';
import { registerCatalogRoutes } from './routes/catalog';
import type { RouteDeps } from './routes/define';
import { refuseUnstorablePageInput } from './storable-input';
import { STYLESHEET_HASH } from './styles';

/** Largest form the storefront accepts; anything bigger is a 413 page before any handler runs. */
export const FORM_LIMIT = 16 * 1024;

const CSP = `default-src 'none'; style-src '${STYLESHEET_HASH}'; script-src '${LOCAL_TIME_SCRIPT_HASH}'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

/**
 * The demo storefront: `GET /` lists the stores, `/store/<code>/…` serves each store. Its own
 * encapsulated scope parses cookies and urlencoded forms only, renders errors as HTML pages,
 * and answers every response with `Cache-Control: no-store` (assisted responses above all).
 */
export async function storefrontPlugin(
  app: FastifyInstance,
  ctx: ShopContext,
  access: AssistAccess = shopAssistAccess,
): Promise<void> {
  await app.register(async (outer) => {
    outer.removeAllContentTypeParsers();
    await outer.register(fastifyCookie);
    await outer.register(fastifyFormbody, { bodyLimit: FORM_LIMIT });
    outer.addHook('onRoute', (route) => {
      route.bodyLimit ??= FORM_LIMIT;
    });
    outer.decorateRequest('storefront', null);
    outer.addHook('onSend', (_request, reply, payload, done) => {
      void reply.header('cache-control', 'no-store');
      void reply.header('content-security-policy', CSP);
      void reply.header('x-content-type-options', 'nosniff');
      // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on form posts.
      void reply.header('referrer-policy', 'same-origin');
      void reply.header('x-frame-options', 'DENY');
      done(null, payload);
    });
    outer.setErrorHandler((error, request, reply) =>
      sendErrorPage(ctx, request, reply, error instanceof Error ? error : new Error(String(error))),
    );

    // Browsers ask for it on every origin; there is none, and saying so quietly keeps logs clean.
    outer.get('/favicon.ico', (_request, reply) => reply.status(204).send());

    outer.get('/', async (_request, reply) => {
      const stores = await listStores(ctx.db);
      return reply.type('text/html; charset=utf-8').send(
        renderDocument(
          <BarePage title="Concierge demo stores">
            <h1>Concierge demo stores</h1>
            <div className="grid">
              {stores.map((s) => (
                <a key={s.id} className="card" href={`${s.pathPrefix}/`} data-testid="store-link">
                  <h2>{s.name}</h2>
                  <p className="muted">Prices in {s.currency}</p>
                </a>
              ))}
            </div>
          </BarePage>,
        ),
      );
    });

    await outer.register(
      async (scope) => {
        // Password-guessing surfaces (sign-in, registration, password checks) are limited per IP.
        await scope.register(fastifyRateLimit, {
          store: databaseRateLimitStore(ctx.db, ctx.clock, 'storefront'),
          global: false,
          max: ctx.config.authRateLimitPerMinute,
          timeWindow: 60_000,
          errorResponseBuilder: (_request, context) =>
            new PageError(
              429,
              'Too many attempts',
              `Too many attempts from this address; try again in ${context.after}. Nothing was changed.`,
              { refusal: 'invalid_input' },
            ),
        });
        scope.addHook('onRequest', async (request, reply) => {
          const store = await storeOfRequest(ctx, request);
          if (request.routeOptions.config.storefrontEntry) {
            request.storefront = { store, viewer: { kind: 'anonymous' }, cookieSecret: null, audited: false };
            return;
          }
          await resolveViewer(ctx, access, request, reply, store);
        });
        scope.addHook('preHandler', (request, reply) => guard(request, reply, ctx.config.publicOrigin));
        scope.addHook('preHandler', refuseUnstorablePageInput);
        scope.setNotFoundHandler(async (request, reply) => {
          // The scope's hooks resolved the viewer, so an assisted 404 is audited like any page.
          try {
            if (!request.storefront)
              await resolveViewer(ctx, access, request, reply, await storeOfRequest(ctx, request));
            throw pageNotFound('There is no page at this address.');
          } catch (error) {
            return sendErrorPage(ctx, request, reply, error instanceof Error ? error : new Error(String(error)));
          }
        });
        const deps: RouteDeps = { scope, ctx, access };
        registerCatalogRoutes(deps);
        registerCartRoutes(deps);
        registerCustomerAuthRoutes(deps);
        registerAccountRoutes(deps);
        registerAssistanceRoutes(deps);
        registerAssistEntryRoutes(deps);
      },
      { prefix: '/store' },
    );
  });
}

/**
 * Runs before every store route: forms must carry this browser's CSRF token, assisted sessions
 * may do only what their mode allows (deny by default), and visitors sign in before account pages.
 */
async function guard(
  request: FastifyRequest,
  reply: FastifyReply,
  publicOrigin: string,
): Promise<FastifyReply | undefined> {
  const state = request.storefront;
  const config = request.routeOptions.config;
  if (!state || config.storefrontEntry || request.is404) return undefined;
  const isRead = request.method === 'GET' || request.method === 'HEAD';
  if (!isRead) {
    const body = request.body as Record<string, unknown> | undefined;
    const origin = request.headers.origin;
    // Behind a TLS proxy the browser's origin is the public URL, not the plain-HTTP host the shop sees.
    const sameOrigin =
      origin === undefined ||
      origin === `${request.protocol}://${request.headers.host ?? ''}` ||
      origin === publicOrigin;
    if (!sameOrigin || !csrfTokenMatches(state.cookieSecret, body?._csrf)) {
      throw new PageError(
        403,
        'Form expired',
        'This form could not be verified (it may be old or come from another site). Reload the page and try again. Nothing was changed.',
        { refusal: 'csrf' },
      );
    }
  }
  const scope = isRead ? config.storefrontPage : config.storefrontAction?.scope;
  // A route without a declared scope is refused, whoever asks.
  if (scope === undefined)
    throw new PageError(405, 'Not allowed', 'This request is not allowed here. Nothing was changed.', {
      refusal: 'invalid_input',
    });
  if (isAssisted(state)) {
    const { session } = state.viewer;
    if (config.storefrontPage !== undefined && isRead) {
      if (!assistedMayView(config.storefrontPage))
        throw new PageError(
          403,
          'Not available while assisted',
          'This page belongs to the customer alone and cannot be opened during an assisted session.',
          { refusal: 'not_allowed_while_assisted' },
        );
      return undefined;
    }
    const decision = config.storefrontAction
      ? decideAssistedAction(session.mode, config.storefrontAction.scope)
      : ({ allowed: false, reason: 'not_allowed_while_assisted' } as const);
    if (!decision.allowed)
      throw new PageError(
        403,
        decision.reason === 'view_mode' ? 'View-only session' : 'Not allowed while assisted',
        refusalMessage(decision.reason, session.staffName),
        { refusal: decision.reason },
      );
    return undefined;
  }
  if (state.viewer.kind === 'anonymous' && needsSignIn(scope)) {
    const next = isRead ? (request.url.split('?')[0] ?? '') : `${state.store.pathPrefix}/cart`;
    return redirectTo(reply, state, `/signin?next=${encodeURIComponent(next)}`);
  }
  return undefined;
}
