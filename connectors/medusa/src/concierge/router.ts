import type { IncomingMessage, ServerResponse } from 'node:http';
import { Id, type Permission } from '../protocol/protocol';
import { readBody } from './body';
import type { Deps } from './deps';
import { ApiError, denied, unauthorized } from './errors';
import type { SignedInStaff } from './staff';
import { recordDenied } from './audit/denied';
import { authenticate } from './auth/guard';

export interface Origin {
  ip: string;
  userAgent: string | null;
}

export interface RouteInput<Q, B> {
  deps: Deps;
  params: Record<string, string>;
  query: Q;
  body: B;
  origin: Origin;
  /** Set on every route that is not public. */
  staff: SignedInStaff;
}

export interface Answer {
  status?: number;
  body?: unknown;
}

/** A protocol schema as the router uses it (zod's, from shared/api; the connector imports no zod of its own). */
export interface Schema {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: unknown }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/** What a schema gives once parsed (zod's output type); no schema, nothing. */
type Parsed<S> = S extends { _zod: { output: infer T } } ? T : undefined;

interface RouteSpec<QS extends Schema | undefined, BS extends Schema | undefined> {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  /** `public`: no token (sign-in); `signed_in`: any staff; else the permissions of which the caller needs one. */
  access: 'public' | 'signed_in' | readonly Permission[];
  query?: QS;
  body?: BS;
  handle(input: RouteInput<Parsed<QS>, Parsed<BS>>): Promise<Answer>;
}

/** A route as the router keeps it: schemas and a handler over what they parse. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  access: 'public' | 'signed_in' | readonly Permission[];
  query?: Schema;
  body?: Schema;
  handle(input: RouteInput<unknown, unknown>): Promise<Answer>;
}

/**
 * Keeps each route's query and body types tied to its schemas (inferred from the schema types,
 * not matched against ZodType<T>, which costs the type checker gigabytes on the protocol's schemas).
 */
export function route<QS extends Schema | undefined = undefined, BS extends Schema | undefined = undefined>(
  spec: RouteSpec<QS, BS>,
): Route {
  return spec as unknown as Route;
}

interface Compiled {
  route: Route;
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): Compiled {
  const names: string[] = [];
  const source = route.path.replace(/:(\w+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}/?$`), names };
}

function parse(schema: Schema | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new ApiError(
    400,
    'validation_failed',
    `The ${where} is not valid.`,
    result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  );
}

/** A path parameter that must be an id (`:id`): a 400 like any other invalid input otherwise. */
export function idParam(params: Record<string, string>, name: string): string {
  const parsed = Id.safeParse(params[name]);
  if (parsed.success) return parsed.data;
  throw new ApiError(400, 'validation_failed', 'The request path is not valid.', [
    { path: name, message: 'must be an id' },
  ]);
}

export function originOf(req: IncomingMessage): Origin {
  return { ip: req.socket.remoteAddress ?? 'unknown', userAgent: req.headers['user-agent']?.slice(0, 500) ?? null };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(body === undefined ? '' : JSON.stringify(body));
}

/**
 * The Assistance API under `/api/v1`: finds the route, authenticates the bearer token, checks the
 * route's permission on every request, validates query and body with the protocol's zod schemas.
 */
export function createApiRouter(routes: readonly Route[]) {
  const compiled = routes.map(compile);
  return async function handleApi(deps: Deps, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const origin = originOf(req);
    try {
      const url = new URL(path, 'http://x');
      let methodAllowed = false;
      for (const { route, pattern, names } of compiled) {
        const match = pattern.exec(url.pathname);
        if (!match) continue;
        if (route.method !== req.method) {
          methodAllowed = true;
          continue;
        }
        const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
        const staff = route.access === 'public' ? (undefined as never) : await authenticate(deps, req);
        if (typeof route.access !== 'string' && !route.access.some((p) => staff.permissions.includes(p))) {
          await recordDenied(deps, staff, `${route.method} ${route.path}`, route.access.join(' or '), origin);
          throw denied(`use ${route.method} ${route.path}`);
        }
        const query = parse(route.query, Object.fromEntries(url.searchParams), 'query');
        const body = parse(route.body, route.method === 'GET' ? undefined : await readBody(req), 'request body');
        const answer = await route.handle({ deps, params, query, body, origin, staff });
        sendJson(res, answer.status ?? 200, answer.body);
        return;
      }
      throw methodAllowed
        ? new ApiError(405, 'bad_request', 'That method is not allowed here.')
        : new ApiError(404, 'not_found', 'No such route.');
    } catch (error) {
      if (error instanceof ApiError) {
        sendJson(res, error.status, {
          error: {
            code: error.code,
            message: error.message,
            ...(error.fields ? { fields: error.fields } : {}),
            ...error.extra?.error,
          },
          ...error.extra?.body,
        });
        return;
      }
      deps.logger.error(
        `concierge: ${req.method ?? ''} ${path.split('?')[0] ?? ''} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      sendJson(res, 500, { error: { code: 'internal_error', message: 'Something went wrong at the shop.' } });
    }
  };
}

export { unauthorized };
