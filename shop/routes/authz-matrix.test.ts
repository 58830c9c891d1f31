/**
 * The authorization matrix: every API route × every kind of caller → the expected HTTP status.
 * Each request carries a valid body, so the status shows what the caller may do, not what the
 * input lacked. A route the shop serves but this table lacks fails the coverage test: add a row.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LoginResponse, TokenResponse } from '../../shared/api/auth';
import { CreateSessionResponse } from '../../shared/api/sessions';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/api/settings';
import { systemClock } from '../lib/clock';
import { newSecret } from '../lib/ids';
import { JANE, seedDemo } from '../seed/demo';
import { DEMO_STAFF_PASSWORD } from '../seed/staff';
import { apiRequest, errorCode, nextTotpCode, signIn, stepUp, type ApiResult } from '../test/auth-helpers';
import { describeBackends, startTestShop, type Backend, type TestShop } from '../test/harness';

const CALLERS = ['none', 'expired', 'trainee', 'agent', 'otherAgent', 'supervisor', 'admin'] as const;
type Caller = (typeof CALLERS)[number];
type Role = Exclude<Caller, 'none' | 'expired'>;

const EMAIL: Record<Role, string> = {
  trainee: 'trainee@demo.test',
  agent: 'agent@demo.test',
  otherAgent: 'agent2@demo.test',
  supervisor: 'supervisor@demo.test',
  admin: 'admin@demo.test',
};
const isRole = (caller: Caller): caller is Role => caller !== 'none' && caller !== 'expired';
/** Whose credentials a public route gets when the caller has none of its own. */
const emailFor = (caller: Caller) => (isRole(caller) ? EMAIL[caller] : EMAIL.otherAgent);

/** Settings the matrix runs under: password step-up keeps TOTP steps for the sign-ins. */
const MATRIX_SETTINGS: Settings = { ...DEFAULT_SETTINGS, stepUpPolicy: 'totp_or_password' };

interface Fixture {
  shop: TestShop;
  /** An access token per caller; `expired` has outlived its lifetime. */
  token: Record<Exclude<Caller, 'none'>, string>;
  /** A new pending session of `agent` with Jane, so each request sees a session in the same state. */
  newAgentSession(): Promise<string>;
}

interface RequestSpec {
  /** Values for `:name` segments of the route. */
  params?: (fx: Fixture) => Promise<Record<string, string>>;
  query?: string;
  body?: (fx: Fixture, caller: Caller) => Promise<unknown>;
  /** The request ends the caller's sign-in: use a sign-in made for it alone. */
  freshSignIn?: boolean;
  /** A stream that never finishes on its own: only its status and headers are read. */
  stream?: boolean;
}

type Statuses = readonly [
  none: number,
  expired: number,
  trainee: number,
  agent: number,
  otherAgent: number,
  supervisor: number,
  admin: number,
];

interface Row extends RequestSpec {
  route: string;
  expected: Statuses;
}

const row = (route: string, expected: Statuses, spec: RequestSpec = {}): Row => ({ route, expected, ...spec });
const jane = () => Promise.resolve({ id: JANE.id });
const agentSession = (fx: Fixture) => fx.newAgentSession().then((id) => ({ id }));

async function stepUpFor(fx: Fixture, caller: Caller): Promise<string | undefined> {
  if (!isRole(caller)) return undefined;
  return (await stepUp(fx.shop.url, fx.token[caller], EMAIL[caller], { clock: fx.shop.clock, method: 'password' }))
    .stepUpToken;
}

// The agent's sessions are with Jane (consent granted until turned off).
const sessionRequest = async (fx: Fixture, caller: Caller) => {
  const stepUpToken = await stepUpFor(fx, caller);
  return {
    customerId: JANE.id,
    accountId: 'acc_000001_us',
    mode: 'view',
    reason: 'Authorization matrix check',
    ...(stepUpToken ? { stepUpToken } : {}),
  };
};

//                                                    none expired trainee agent  other  super  admin
const MATRIX: readonly Row[] = [
  row('POST /auth/login', [200, 200, 200, 200, 200, 200, 200], {
    body: (_fx, caller) => Promise.resolve({ email: emailFor(caller), password: DEMO_STAFF_PASSWORD }),
  }),
  row('POST /auth/mfa', [200, 200, 200, 200, 200, 200, 200], {
    body: async (fx, caller) => {
      const email = emailFor(caller);
      const login = await apiRequest(fx.shop.url, 'POST', '/auth/login', {
        body: { email, password: DEMO_STAFF_PASSWORD },
      });
      return {
        mfaToken: LoginResponse.parse(login.json).mfaToken,
        code: await nextTotpCode(fx.shop.url, email, { clock: fx.shop.clock }),
      };
    },
  }),
  row('POST /auth/refresh', [200, 200, 200, 200, 200, 200, 200], {
    body: async (fx, caller) => ({
      refreshToken: (await signIn(fx.shop.url, emailFor(caller), { clock: fx.shop.clock })).refreshToken,
    }),
  }),
  row('POST /auth/logout', [401, 401, 204, 204, 204, 204, 204], { freshSignIn: true }),
  row('POST /auth/step-up', [401, 401, 200, 200, 200, 200, 200], {
    body: () => Promise.resolve({ password: DEMO_STAFF_PASSWORD }),
  }),
  row('GET /me', [401, 401, 200, 200, 200, 200, 200]),
  // Everyone signed in may listen; each message is then filtered by what they may read (events.test.ts).
  row('GET /events', [401, 401, 200, 200, 200, 200, 200], { stream: true }),
  row('GET /stores', [401, 401, 200, 200, 200, 200, 200]),
  row('GET /customers', [401, 401, 200, 200, 200, 200, 200], { query: 'q=smith&limit=5' }),
  row('GET /customers/:id', [401, 401, 200, 200, 200, 200, 200], { params: jane }),
  row('GET /customers/:id/documents', [401, 401, 200, 200, 200, 200, 200], { params: jane, query: 'type=order' }),
  row('GET /customers/:id/documents/:documentId', [401, 401, 200, 200, 200, 200, 200], {
    params: () => Promise.resolve({ id: JANE.id, documentId: 'ord_000001' }),
  }),
  row('POST /assist-sessions', [401, 401, 403, 201, 201, 201, 201], { body: sessionRequest }),
  row('GET /assist-sessions', [401, 401, 403, 200, 200, 200, 200], { query: 'status=active' }),
  row('GET /assist-sessions/:id', [401, 401, 404, 200, 404, 200, 200], { params: agentSession }),
  row('GET /assist-sessions/:id/timeline', [401, 401, 403, 200, 404, 200, 200], { params: agentSession }),
  row('POST /assist-sessions/:id/heartbeat', [401, 401, 404, 200, 404, 403, 403], { params: agentSession }),
  row('POST /assist-sessions/:id/mode', [401, 401, 404, 200, 404, 403, 403], {
    params: agentSession,
    body: async (fx, caller) => {
      const stepUpToken = await stepUpFor(fx, caller);
      return { mode: 'act', ...(stepUpToken ? { stepUpToken } : {}) };
    },
  }),
  row('GET /customers/:id/active-sessions', [401, 401, 403, 200, 200, 200, 200], { params: jane }),
  row('POST /assist-sessions/:id/end', [401, 401, 404, 200, 404, 200, 200], {
    params: agentSession,
    body: () => Promise.resolve({}),
  }),
  row('GET /audit/events', [401, 401, 200, 200, 200, 200, 200], { query: 'limit=10' }),
  row('GET /audit/recent', [401, 401, 200, 200, 200, 200, 200], { query: 'limit=10' }),
  row('GET /audit/search', [401, 401, 200, 200, 200, 200, 200], { query: 'actionGroup=refused&limit=10' }),
  row('GET /audit/staff', [401, 401, 403, 403, 403, 200, 200]),
  row('GET /audit/keys', [401, 401, 200, 200, 200, 200, 200]),
  row('GET /audit/checkpoints', [401, 401, 200, 200, 200, 200, 200], { query: 'after=0&limit=10' }),
  row('GET /assist-policy', [401, 401, 200, 200, 200, 200, 200]),
  row('GET /settings', [401, 401, 403, 403, 403, 403, 200]),
  row('PUT /settings', [401, 401, 403, 403, 403, 403, 200], {
    body: () => Promise.resolve(MATRIX_SETTINGS),
  }),
];

/** The error code a refusal must carry, where the status alone says which one it is. */
function expectedCode(caller: Caller, status: number): string | null {
  if (status === 401 && caller === 'none') return 'unauthorized';
  if (status === 401 && caller === 'expired') return 'token_expired';
  if (status === 403) return 'permission_denied';
  return null;
}

describeBackends('authorization matrix', (backend: Backend) => {
  const fx = {} as Fixture;

  beforeAll(async () => {
    const shop = await startTestShop(backend, { seed: (db) => seedDemo(db, systemClock) });
    await shop.ctx.db.query('UPDATE shop_settings SET value = $1', [JSON.stringify(MATRIX_SETTINGS)]);
    const clock = { clock: shop.clock };
    // Signed in, then left until the access token expired; the other sign-ins come after.
    const expired = await signIn(shop.url, EMAIL.otherAgent, clock);
    shop.clock.advance(shop.ctx.config.accessTokenSeconds * 1000);
    const token = { expired: expired.accessToken } as Fixture['token'];
    for (const role of Object.keys(EMAIL) as Role[])
      token[role] = (await signIn(shop.url, EMAIL[role], clock)).accessToken;
    Object.assign(fx, {
      shop,
      token,
      newAgentSession: async () => {
        const created = await apiRequest(shop.url, 'POST', '/assist-sessions', {
          token: token.agent,
          body: await sessionRequest(fx, 'agent'),
        });
        if (created.status !== 201) throw new Error(`could not start a session: ${JSON.stringify(created.json)}`);
        return CreateSessionResponse.parse(created.json).session.id;
      },
    } satisfies Fixture);
  });
  afterAll(async () => {
    await fx.shop.close();
  });

  async function tokenFor(row: Row, caller: Caller): Promise<string | undefined> {
    if (caller === 'none') return undefined;
    if (!row.freshSignIn || caller === 'expired') return fx.token[caller];
    return (await signIn(fx.shop.url, EMAIL[caller], { clock: fx.shop.clock })).accessToken;
  }

  for (const entry of MATRIX) {
    const [method = '', template = ''] = entry.route.split(' ');
    CALLERS.forEach((caller, index) => {
      const status = entry.expected[index];
      if (status === undefined) throw new Error(`${entry.route}: no status for ${caller}`);
      it(`${entry.route} as ${caller} → ${String(status)}`, async () => {
        const params = entry.params ? await entry.params(fx) : {};
        const path = template.replace(/:([a-z]+)/gi, (_m, name: string) =>
          encodeURIComponent(params[name] ?? `missing-${name}`),
        );
        const token = await tokenFor(entry, caller);
        const body = entry.body ? await entry.body(fx, caller) : undefined;
        const request = entry.stream ? streamRequest : apiRequest;
        const result = await request(fx.shop.url, method, `${path}${entry.query ? `?${entry.query}` : ''}`, {
          ...(token !== undefined ? { token } : {}),
          ...(body !== undefined ? { body } : {}),
        });
        expect(result.status, JSON.stringify(result.json)).toBe(status);
        // Bodies carry tokens and customer data, refusals included: no cache may keep any of them.
        expect(result.headers.get('cache-control')).toBe('no-store');
        if (status >= 400) expect(errorCode(result)).toEqual(expectedCode(caller, status) ?? expect.any(String));
        if (status === 200 && entry.route === 'POST /auth/refresh') TokenResponse.parse(result.json);
      });
    });
  }

  it('has a row for every route the shop serves', async () => {
    const spec = await apiRequest(fx.shop.url, 'GET', '/openapi.json');
    // The one public document: caches may keep it.
    expect(spec.headers.get('cache-control')).toBeNull();
    const paths = (spec.json as { paths: Record<string, Record<string, unknown>> }).paths;
    const served = Object.entries(paths).flatMap(([path, operations]) =>
      Object.keys(operations).map(
        (method) => `${method.toUpperCase()} ${path.replace(/^\/api\/v1/, '').replace(/\{([^}]+)\}/g, ':$1')}`,
      ),
    );
    expect(served.sort()).toEqual(MATRIX.map((r) => r.route).sort());
  });

  // Authentication comes before validation: a caller who is not signed in learns nothing from 400s.
  const UNAUTHENTICATED = {
    none: { header: undefined, code: 'unauthorized' },
    malformed: { header: 'Bearer not-a-token', code: 'unauthorized' },
    unknown: { header: `Bearer ${newSecret()}`, code: 'unauthorized' },
    expired: { header: null, code: 'token_expired' },
  } as const;
  for (const [caller, { header, code }] of Object.entries(UNAUTHENTICATED)) {
    it(`refuses every route with bad input to a caller with ${caller} token before validating it (public routes: 400)`, async () => {
      const authorization = header === null ? `Bearer ${fx.token.expired}` : header;
      const routes = badRequests(await openApiPaths(fx.shop.url));
      for (const route of routes) {
        const result = await apiRequest(fx.shop.url, route.method, route.path, {
          headers: route.headers,
          ...(authorization !== undefined ? { authorization } : {}),
          ...(route.body !== undefined ? { body: route.body } : {}),
        });
        const expected = route.public ? [400, 'validation_failed'] : [401, code];
        expect(
          [result.status, errorCode(result)],
          `${route.method} ${route.path}: ${JSON.stringify(result.json)}`,
        ).toEqual(expected);
        expect(result.headers.get('cache-control')).toBe('no-store');
      }
    });
  }

  it('sends input the routes refuse: signed in, each bad request is a 400 naming its fields', async () => {
    const routes = badRequests(await openApiPaths(fx.shop.url)).filter((r) => r.bad);
    expect(routes.length).toBeGreaterThanOrEqual(12);
    for (const route of routes) {
      const result = await apiRequest(fx.shop.url, route.method, route.path, {
        token: fx.token.admin,
        headers: route.headers,
        ...(route.body !== undefined ? { body: route.body } : {}),
      });
      expect(result.status, `${route.method} ${route.path}: ${JSON.stringify(result.json)}`).toBe(400);
      const { error } = result.json as { error: { code: string; fields?: { path: string }[] } };
      expect(error.code).toBe('validation_failed');
      expect(error.fields?.length, JSON.stringify(error)).toBeGreaterThan(0);
    }
  });
});

interface ParameterSchema {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maxLength?: number;
  pattern?: string;
}
interface Operation {
  security?: unknown[];
  parameters?: { in: 'path' | 'query' | 'header'; name: string; schema: ParameterSchema }[];
  requestBody?: unknown;
}

/** A request to a stream: its status and headers, its body only when it is a refusal (a stream never ends). */
async function streamRequest(
  shopUrl: string,
  method: string,
  path: string,
  options: { token?: string },
): Promise<ApiResult> {
  const controller = new AbortController();
  const response = await fetch(`${shopUrl}/api/v1${path}`, {
    method,
    signal: controller.signal,
    headers: options.token !== undefined ? { authorization: `Bearer ${options.token}` } : {},
  });
  if (response.ok) {
    controller.abort();
    return { status: response.status, headers: response.headers, json: null };
  }
  return { status: response.status, headers: response.headers, json: (await response.json()) as unknown };
}

async function openApiPaths(shopUrl: string): Promise<Record<string, Record<string, Operation>>> {
  const spec = await apiRequest(shopUrl, 'GET', '/openapi.json');
  return (spec.json as { paths: Record<string, Record<string, Operation>> }).paths;
}

/** A value the parameter's own schema refuses, or null when the schema accepts any string. */
function badValue(schema: ParameterSchema): string | null {
  if (schema.enum) return 'zzz';
  if (schema.type === 'integer' || schema.type === 'number') return String((schema.minimum ?? 0) - 5);
  if (schema.maxLength !== undefined) return 'x'.repeat(schema.maxLength + 1);
  if (schema.pattern !== undefined) return '%21';
  return null;
}

/**
 * Every operation of the document with every input it declares made invalid: each parameter a
 * value its schema refuses, and a JSON array where an object (or null) belongs.
 */
function badRequests(paths: Record<string, Record<string, Operation>>) {
  return Object.entries(paths).flatMap(([template, operations]) =>
    Object.entries(operations).map(([method, operation]) => {
      const bad = new Map((operation.parameters ?? []).map((p) => [p.name, { in: p.in, value: badValue(p.schema) }]));
      const path = template
        .replace(/^\/api\/v1/, '')
        .replace(/\{([^}]+)\}/g, (_m, name: string) => bad.get(name)?.value ?? 'x'.repeat(65));
      const query = [...bad]
        .filter(([, p]) => p.in === 'query' && p.value !== null)
        .map(([name, p]) => `${name}=${p.value ?? ''}`)
        .join('&');
      const headers = Object.fromEntries(
        [...bad].flatMap(([name, p]) => (p.in === 'header' && p.value !== null ? [[name, p.value]] : [])),
      );
      return {
        method: method.toUpperCase(),
        path: query ? `${path}?${query}` : path,
        headers,
        body: operation.requestBody !== undefined ? [] : undefined,
        public: (operation.security ?? []).length === 0,
        bad: operation.requestBody !== undefined || [...bad.values()].some((p) => p.value !== null),
      };
    }),
  );
}
