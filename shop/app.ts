import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyError } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { ShopContext } from './context';
import { ApiError } from './lib/errors';
import { refuseUnstorableApiInput } from './lib/storable-text';
import { registerApiRoutes } from './routes';

export type ShopApp = FastifyInstance;

/** The public OpenAPI document, the one API response caches may keep. */
const OPENAPI_PATH = '/api/v1/openapi.json';

/** How long closing waits for requests still being answered before it cuts their connections. */
const SHUTDOWN_GRACE_MS = 3_000;

/** Largest JSON body the API accepts; bigger ones get 413 before any handler runs. */
const BODY_LIMIT = 64 * 1024;

export interface BuildOptions {
  /**
   * Where request logs and failures go: startShop's `logging.logger('shop')` (main/core/logging.ts),
   * which scrubs tokens, cookies and codes from every line. None: no logs (tests stay quiet).
   */
  logger?: FastifyBaseLogger | undefined;
  /**
   * Addresses (or CIDR ranges) of proxies whose X-Forwarded-For is believed: behind a load
   * balancer, per-address limits then count the client, not the balancer. None: trust no one.
   */
  trustedProxies?: readonly string[] | undefined;
  /** Adds the storefront and anything else served beside the API. */
  extraPlugins?: ((app: ShopApp, ctx: ShopContext) => Promise<void> | void)[];
}

/** Builds the whole shop over the given context; the caller decides where it listens. */
export async function buildShop(ctx: ShopContext, options: BuildOptions = {}): Promise<ShopApp> {
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    // Secrets travel in bodies and headers; request logs carry method, path (no query values) and status only.
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    trustProxy: options.trustedProxies?.length ? [...options.trustedProxies] : false,
    ajv: { customOptions: { removeAdditional: false } },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  app.decorateRequest('accessGate', null);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const body = toErrorBody(error);
    if (body.status >= 500) request.log.error({ err: error }, 'request failed');
    if (error instanceof ApiError && error.headers) void reply.headers(error.headers);
    void reply.status(body.status).send({ error: body.error });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      error: { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0] ?? ''}.` },
    });
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Concierge Assistance API',
        version: '1.0.0',
        description: 'Shopper assistance: staff auth, customers, consent, assisted sessions, audit.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
    hideUntagged: false,
  });

  await app.register(
    (api, _opts, done) => {
      // Responses carry tokens and customer data, refusals too: no browser or proxy cache may keep them.
      api.addHook('onSend', (request, reply, payload, next) => {
        if (request.routeOptions.url !== OPENAPI_PATH) void reply.header('cache-control', 'no-store');
        next(null, payload);
      });
      // Text PostgreSQL cannot store (NUL, broken Unicode) is a 400 here, not a failed transaction.
      api.addHook('preValidation', refuseUnstorableApiInput);
      registerApiRoutes(api.withTypeProvider<ZodTypeProvider>(), ctx);
      api.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
      done();
    },
    { prefix: '/api/v1' },
  );

  for (const plugin of options.extraPlugins ?? []) await plugin(app, ctx);
  closeConnectionsOnShutdown(app);
  // Refusal counts still held back are written before the caller closes the database.
  app.addHook('onClose', async () => {
    await ctx.refusals.flush();
  });
  await app.ready();
  return app;
}

/**
 * Shutting down must not wait for keep-alive connections. Fastify's close() closes the
 * connections that are idle when it starts, but one still serving a request then stays open
 * after its response until keepAliveTimeout (72 s): a console syncing its audit mirror kept
 * the shop from exiting for over a minute (fastify/fastify#7044). Once closing has begun,
 * every response says `Connection: close`, so Node ends its connection when it is sent.
 */
function closeConnectionsOnShutdown(app: ShopApp): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    // A bounded grace: whatever connection is still open then (a client that keeps one without a
    // request, a response that never ends) is cut, so closing never waits on a client.
    setTimeout(() => {
      app.server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS).unref();
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing && reply.raw.req.httpVersionMajor === 1) void reply.header('connection', 'close');
    done(null, payload);
  });
}

interface ErrorBody {
  status: number;
  error: { code: string; message: string; fields?: { path: string; message: string }[] };
}

/** Maps every failure to the API's error shape; bad input is always 4xx, never 500. */
export function toErrorBody(error: FastifyError): ErrorBody {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) },
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields = error.validation.map((v) => ({
      path: [error.validationContext, ...v.instancePath.split('/').filter(Boolean)].filter(Boolean).join('.'),
      message: v.message ?? 'is invalid',
    }));
    return { status: 400, error: { code: 'validation_failed', message: 'Some fields are invalid.', fields } };
  }
  if (isResponseSerializationError(error))
    return { status: 500, error: { code: 'internal_error', message: 'The shop produced an invalid response.' } };
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        error: { code: 'payload_too_large', message: `The request body is larger than ${BODY_LIMIT} bytes.` },
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        error: { code: 'unsupported_media_type', message: 'Send JSON (Content-Type: application/json).' },
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, error: { code: 'bad_request', message: 'The request body is not valid JSON.' } };
    default:
      break;
  }
  if (error.statusCode === 429)
    return { status: 429, error: { code: 'rate_limited', message: 'Too many requests; wait a minute and try again.' } };
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return { status: error.statusCode, error: { code: 'bad_request', message: error.message } };
  }
  return { status: 500, error: { code: 'internal_error', message: 'The shop failed to handle this request.' } };
}
