import { expect } from 'vitest';
import { z } from 'zod';
import { AuditEvent, AuditPage } from '../../shared/api/audit';
import type { CreateSessionRequest } from '../../shared/api/sessions';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/api/settings';
import { redeemHandoff } from '../assist/storefront-access';
import { auditEventFromRow, type AuditRow, type StoredAuditEvent } from '../audit/append';
import type { ShopConfig } from '../context';
import type { Database } from '../db/database';
import { systemClock } from '../lib/clock';
import { seedDemo, JANE, JOHN } from '../seed/demo';
import { storefrontPlugin } from '../storefront/plugin';
import { TestBrowser } from '../storefront/test-browser';
import { apiRequest, signIn, stepUp, type ApiResult } from './auth-helpers';
import { startTestShop, type Backend, type TestShop } from './harness';

/** Demo customers the assisted-session tests use (shop/seed/demo.ts). */
export const CUSTOMERS = {
  /** Consent granted until turned off; accounts in both stores. */
  jane: { ...JANE, usAccount: 'acc_000001_us', euAccount: 'acc_000001_eu' },
  /** No consent; an account in the US store only. */
  john: { ...JOHN, usAccount: 'acc_000002_us' },
} as const;

/** A console lease longer than any jump of the test clock (a week). */
export const LONG_LEASE_SECONDS = 7 * 24 * 3600;

/**
 * Tokens, step-ups and console leases that outlive the test clock's jumps past idle timeouts and
 * maximum session lengths, as if the console kept renewing through each jump.
 */
export const LONG_LIVED: Partial<ShopConfig> = {
  accessTokenSeconds: 7 * 24 * 3600,
  refreshTokenSeconds: 7 * 24 * 3600,
  stepUpSeconds: 24 * 3600,
  consoleLeaseSeconds: LONG_LEASE_SECONDS,
};

/** A shop with the demo data and LONG_LIVED tokens; `config` overrides (lease tests pass the default lease back). */
export function startAssistShop(backend: Backend, config: Partial<ShopConfig> = {}): Promise<TestShop> {
  return startTestShop(backend, {
    seed: (db: Database) => seedDemo(db, systemClock),
    config: { ...LONG_LIVED, ...config },
  });
}

/** The demo shop with its storefront on the same port, `config` as given: what an assisted view opens. */
export function startStorefrontShop(backend: Backend, config: Partial<ShopConfig> = {}): Promise<TestShop> {
  return startTestShop(backend, {
    seed: (db: Database) => seedDemo(db, systemClock),
    build: { extraPlugins: [storefrontPlugin] },
    config,
  });
}

export interface Agent {
  email: string;
  id: string;
  name: string;
  token: string;
}

export async function signInAs(shop: TestShop, email: string): Promise<Agent> {
  const signed = await signIn(shop.url, email, { clock: shop.clock });
  return { email, id: signed.staff.id, name: signed.staff.name, token: signed.accessToken };
}

export async function stepUpToken(shop: TestShop, agent: Agent): Promise<string> {
  return (await stepUp(shop.url, agent.token, agent.email, { clock: shop.clock })).stepUpToken;
}

export function api(
  shop: TestShop,
  agent: Agent | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResult> {
  return apiRequest(shop.url, method, path, {
    ...(agent ? { token: agent.token } : {}),
    ...(body !== undefined ? { body } : {}),
  });
}

/** POST /assist-sessions with a fresh step-up token unless the request names one (or `null` for none). */
export async function requestSession(
  shop: TestShop,
  agent: Agent,
  request: Partial<Omit<CreateSessionRequest, 'stepUpToken'>> & { stepUpToken?: string | null },
): Promise<ApiResult> {
  const { stepUpToken: given, ...rest } = request;
  const token = given === null ? undefined : (given ?? (await stepUpToken(shop, agent)));
  return api(shop, agent, 'POST', '/assist-sessions', {
    customerId: CUSTOMERS.jane.id,
    accountId: CUSTOMERS.jane.usAccount,
    mode: 'view',
    reason: 'Customer called about an order',
    ...rest,
    ...(token !== undefined ? { stepUpToken: token } : {}),
  });
}

export interface StartedSession {
  id: string;
  handoffCode: string;
  handoffUrl: string;
  body: { session: Record<string, unknown>; handoffUrl: string };
}

export async function startSession(
  shop: TestShop,
  agent: Agent,
  request: Partial<CreateSessionRequest> = {},
): Promise<StartedSession> {
  const response = await requestSession(shop, agent, request);
  expect(response.status, JSON.stringify(response.json)).toBe(201);
  const body = response.json as StartedSession['body'];
  const url = new URL(body.handoffUrl);
  return {
    id: String(body.session.id),
    handoffCode: url.searchParams.get('code') ?? '',
    handoffUrl: body.handoffUrl,
    body,
  };
}

/** Where the tests' own requests come from (a storefront visit, a consent by phone). */
export const TEST_ORIGIN = { ip: '127.0.0.1', userAgent: 'vitest' };

/** A session whose handoff has been redeemed, as the console's view does right after the start, with its storefront cookie secret. */
export async function startActiveSession(
  shop: TestShop,
  agent: Agent,
  request: Partial<CreateSessionRequest> = {},
): Promise<{ id: string; cookie: string }> {
  const started = await startSession(shop, agent, request);
  const redeemed = await redeemHandoff(shop.ctx, started.handoffCode, TEST_ORIGIN);
  if (!redeemed.ok) throw new Error(`handoff refused: ${redeemed.reason}`);
  return { id: started.id, cookie: redeemed.cookieSecret };
}

/** The agent's storefront, entered through a session's handoff link (a 303 into the store). */
export async function enterHandoff(shop: TestShop, handoffUrl: string): Promise<TestBrowser> {
  const agent = new TestBrowser(shop.url);
  const url = new URL(handoffUrl);
  expect((await agent.get(`${url.pathname}${url.search}`)).status).toBe(303);
  return agent;
}

/** A demo customer signed in to the US storefront in a browser of their own. */
export async function signInCustomer(shop: TestShop, email: string): Promise<TestBrowser> {
  const browser = new TestBrowser(shop.url);
  const signedIn = await browser.submit('/store/us/signin', '/store/us/signin', { email, password: 'customer-demo' });
  expect(signedIn.status).toBe(303);
  return browser;
}

export async function putSettings(shop: TestShop, admin: Agent, change: Partial<Settings>): Promise<Settings> {
  const current = await api(shop, admin, 'GET', '/settings');
  expect(current.status).toBe(200);
  const next = { ...(current.json as Settings), ...change };
  const saved = await api(shop, admin, 'PUT', '/settings', next);
  expect(saved.status, JSON.stringify(saved.json)).toBe(200);
  return saved.json as Settings;
}

export function resetSettings(shop: TestShop, admin: Agent): Promise<Settings> {
  return putSettings(shop, admin, DEFAULT_SETTINGS);
}

/** The latest audit seq, read from the database (a marker for "events since"). */
export async function auditHead(shop: TestShop): Promise<number> {
  const result = await shop.ctx.db.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM audit_events');
  return result.rows[0]?.seq ?? 0;
}

/** Audit events after `seq`, straight from the database, in order. */
export async function auditSince(shop: TestShop, seq: number): Promise<StoredAuditEvent[]> {
  const result = await shop.ctx.db.query<AuditRow>('SELECT * FROM audit_events WHERE seq > $1 ORDER BY seq', [seq]);
  return result.rows.map(auditEventFromRow);
}

const StrictAuditPage = AuditPage.extend({
  events: z.array(AuditEvent.strict()),
  head: AuditPage.shape.head.strict(),
}).strict();

/** Every audit event a reader sees through GET /audit/events, page by page. */
export async function readAuditPages(
  shop: TestShop,
  reader: Agent,
  limit = 7,
): Promise<{ events: AuditEvent[]; head: { seq: number; hash: string } }> {
  const events: AuditEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await api(shop, reader, 'GET', `/audit/events?after=${after}&limit=${limit}`);
    expect(page.status, JSON.stringify(page.json)).toBe(200);
    // The route writes its JSON by hand (audit/page-json.ts): every page must still be an AuditPage.
    const body = StrictAuditPage.parse(page.json);
    events.push(...body.events);
    if (body.events.length === 0) {
      expect(body.nextAfter).toBe(after);
      return { events, head: body.head };
    }
    expect(body.nextAfter).toBe(body.events.at(-1)?.seq);
    after = body.nextAfter;
  }
}

export const ONE_SECOND = 1000;
export const ONE_MINUTE = 60 * ONE_SECOND;

export { DEFAULT_SETTINGS };
