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
import { JANE, seedDemo } from '../seed/demo';
import { DEMO_STAFF_PASSWORD } from '../seed/staff';
import { apiRequest, errorCode, nextTotpCode, signIn, stepUp } from '../test/auth-helpers';
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
}

type Statuses = readonly [none: number, expired: number, trainee: number, agent: number, otherAgent: number, supervisor: number, admin: number];

interface Row extends RequestSpec {
  route: string;
  expected: Statuses;
}

const row = (route: string, expected: Statuses, spec: RequestSpec = {}): Row => ({ route, expected, ...spec });
const jane = () => Promise.resolve({ id: JANE.id });
const agentSession = (fx: Fixture) => fx.newAgentSession().then((id) => ({ id }));

async function stepUpFor(fx: Fixture, caller: Caller): Promise<string | undefined> {
  if (!isRole(caller)) return undefined;
  return (await stepUp(fx.shop.url, fx.token[caller], EMAIL[caller], { clock: fx.shop.clock, method: 'password' })).stepUpToken;
}

// The agent's sessions are with Jane (consent granted until turned off).
const sessionRequest = async (fx: Fixture, caller: Caller) => {
  const stepUpToken = await stepUpFor(fx, caller);
  return { customerId: JANE.id, accountId: 'acc_000001_us', mode: 'view', reason: 'Authorization matrix check', ...(stepUpToken ? { stepUpToken } : {}) };
};

//                                                    none expired trainee agent  other  super  admin
const MATRIX: readonly Row[] = [
  row('POST /auth/login',                            [200, 200,    200,    200,   200,   200,   200], {
    body: (_fx, caller) => Promise.resolve({ email: emailFor(caller), password: DEMO_STAFF_PASSWORD }),
  }),
  row('POST /auth/mfa',                              [200, 200,    200,    200,   200,   200,   200], {
    body: async (fx, caller) => {
      const email = emailFor(caller);
      const login = await apiRequest(fx.shop.url, 'POST', '/auth/login', { body: { email, password: DEMO_STAFF_PASSWORD } });
      return { mfaToken: LoginResponse.parse(login.json).mfaToken, code: await nextTotpCode(fx.shop.url, email, { clock: fx.shop.clock }) };
    },
  }),
  row('POST /auth/refresh',                          [200, 200,    200,    200,   200,   200,   200], {
    body: async (fx, caller) => ({ refreshToken: (await signIn(fx.shop.url, emailFor(caller), { clock: fx.shop.clock })).refreshToken }),
  }),
  row('POST /auth/logout',                           [401, 401,    204,    204,   204,   204,   204], { freshSignIn: true }),
  row('POST /auth/step-up',                          [401, 401,    200,    200,   200,   200,   200], {
    body: () => Promise.resolve({ password: DEMO_STAFF_PASSWORD }),
  }),
  row('GET /me',                                     [401, 401,    200,    200,   200,   200,   200]),
  row('GET /stores',                                 [401, 401,    200,    200,   200,   200,   200]),
  row('GET /customers',                              [401, 401,    200,    200,   200,   200,   200], { query: 'q=smith&limit=5' }),
  row('GET /customers/:id',                          [401, 401,    200,    200,   200,   200,   200], { params: jane }),
  row('GET /customers/:id/documents',                [401, 401,    200,    200,   200,   200,   200], { params: jane, query: 'type=order' }),
  row('POST /assist-sessions',                       [401, 401,    403,    201,   201,   201,   201], { body: sessionRequest }),
  row('GET /assist-sessions',                        [401, 401,    403,    200,   200,   200,   200], { query: 'status=active' }),
  row('GET /assist-sessions/:id',                    [401, 401,    404,    200,   404,   200,   200], { params: agentSession }),
  row('POST /assist-sessions/:id/heartbeat',         [401, 401,    404,    200,   404,   403,   403], { params: agentSession }),
  row('POST /assist-sessions/:id/end',               [401, 401,    404,    200,   404,   200,   200], {
    params: agentSession,
    body: () => Promise.resolve({}),
  }),
  row('GET /audit/events',                           [401, 401,    200,    200,   200,   200,   200], { query: 'limit=10' }),
  row('GET /assist-policy',                          [401, 401,    200,    200,   200,   200,   200]),
  row('GET /settings',                               [401, 401,    403,    403,   403,   403,   200]),
  row('PUT /settings',                               [401, 401,    403,    403,   403,   403,   200], {
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
    for (const role of Object.keys(EMAIL) as Role[]) token[role] = (await signIn(shop.url, EMAIL[role], clock)).accessToken;
    Object.assign(fx, {
      shop,
      token,
      newAgentSession: async () => {
        const created = await apiRequest(shop.url, 'POST', '/assist-sessions', { token: token.agent, body: await sessionRequest(fx, 'agent') });
        if (created.status !== 201) throw new Error(`could not start a session: ${JSON.stringify(created.json)}`);
        return CreateSessionResponse.parse(created.json).session.id;
      },
    } satisfies Fixture);
  });
  afterAll(async () => { await fx.shop.close(); });

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
        const path = template.replace(/:([a-z]+)/gi, (_m, name: string) => encodeURIComponent(params[name] ?? `missing-${name}`));
        const token = await tokenFor(entry, caller);
        const body = entry.body ? await entry.body(fx, caller) : undefined;
        const result = await apiRequest(fx.shop.url, method, `${path}${entry.query ? `?${entry.query}` : ''}`, {
          ...(token !== undefined ? { token } : {}),
          ...(body !== undefined ? { body } : {}),
        });
        expect(result.status, JSON.stringify(result.json)).toBe(status);
        if (status >= 400) expect(errorCode(result)).toEqual(expectedCode(caller, status) ?? expect.any(String));
        if (status === 200 && entry.route === 'POST /auth/refresh') TokenResponse.parse(result.json);
      });
    });
  }

  it('has a row for every route the shop serves', async () => {
    const spec = await apiRequest(fx.shop.url, 'GET', '/openapi.json');
    const paths = (spec.json as { paths: Record<string, Record<string, unknown>> }).paths;
    const served = Object.entries(paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/^\/api\/v1/, '').replace(/\{([^}]+)\}/g, ':$1')}`));
    expect(served.sort()).toEqual(MATRIX.map((r) => r.route).sort());
  });
});
