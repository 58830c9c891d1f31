import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../shared/audit/chain';
import { systemClock } from '../lib/clock';
import { JANE } from '../seed/demo';
import { seedStaff } from '../seed/staff';
import { endAssistedSession, startAssistedSession } from '../storefront/test-assist';
import { csrfOf, TestBrowser } from '../storefront/test-browser';
import {
  api,
  auditHead,
  auditSince,
  LONG_LEASE_SECONDS,
  ONE_MINUTE,
  ONE_SECOND,
  signInAs,
  signInCustomer,
  startStorefrontShop,
  type Agent,
} from '../test/fixtures';
import { describeBackends, freshDatabase, startTestShop, type TestShop } from '../test/harness';
import { auditEventFromRow, type AuditRow, type StoredAuditEvent } from './append';
import { MANY_ADDRESSES, refusalAggregator, type Refusal } from './refusal-aggregator';

const NEXT_MINUTE = ONE_MINUTE + ONE_SECOND;

async function chainVerifies(shop: TestShop): Promise<boolean> {
  const rows = await shop.ctx.db.query<AuditRow>('SELECT * FROM audit_events ORDER BY seq');
  return verifyChain(rows.rows.map(auditEventFromRow)).ok;
}

/** GET from a given loopback source address, so the shop sees a caller other than 127.0.0.1. */
function getFrom(localAddress: string, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { localAddress }, (response) => {
      response.resume();
      response.on('end', () => {
        resolve(response.statusCode ?? 0);
      });
    })
      .on('error', reject)
      .end();
  });
}

const counts = (events: StoredAuditEvent[]) => events.map((e) => e.details.count);

/** Sends `times` requests one after another; their statuses. */
async function flood(times: number, send: () => Promise<{ status: number }>): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push((await send()).status);
  return statuses;
}
const statusTimes = (times: number, status: number) => Array.from({ length: times }, () => status);

describeBackends('refusals on record', (backend) => {
  let shop: TestShop;
  let agent: Agent;
  let supervisor: Agent;
  let trainee: Agent;
  beforeAll(async () => {
    shop = await startStorefrontShop(backend, {
      accessTokenSeconds: 7 * 24 * 3600,
      consoleLeaseSeconds: LONG_LEASE_SECONDS,
    });
    agent = await signInAs(shop, 'agent@demo.test');
    supervisor = await signInAs(shop, 'supervisor@demo.test');
    trainee = await signInAs(shop, 'trainee@demo.test');
  });
  afterAll(async () => {
    await shop.close();
  });

  const since = async (seq: number, action: string) => (await auditSince(shop, seq)).filter((e) => e.action === action);

  /** Ends the minute, then waits for the counts on record of `action` (those `where` keeps) since `before`. */
  const countsOnceTheMinuteEnds = async (
    before: number,
    action: string,
    expected: number[],
    where: (event: StoredAuditEvent) => boolean = () => true,
  ) => {
    shop.clock.advance(NEXT_MINUTE);
    await expect
      .poll(async () => counts((await since(before, action)).filter(where)), { timeout: 5000 })
      .toEqual(expected);
  };

  /** A view-only session of the agent's for Jane: its id, its handoff path, and how to end it. */
  const startViewSession = async () => {
    const started = await startAssistedSession(shop.url, shop.ctx.db, {
      customerId: JANE.id,
      storeId: 'sto_us',
      mode: 'view',
      clock: shop.clock,
      accessToken: agent.token,
    });
    const handoff = new URL(started.handoffUrl);
    return {
      id: started.session.id,
      handoffPath: `${handoff.pathname}${handoff.search}`,
      end: () => endAssistedSession(shop.url, agent.token, started.session.id),
    };
  };

  describe('API permission denials (access.denied)', () => {
    it('turns a flood of 403s by one agent in a minute into one event at once and one with the rest of the count', async () => {
      const before = await auditHead(shop);
      const flood = await Promise.all(Array.from({ length: 50 }, () => api(shop, agent, 'GET', '/settings')));
      expect(flood.map((r) => r.status)).toEqual(Array.from({ length: 50 }, () => 403));
      const first = await since(before, 'access.denied');
      expect(first).toHaveLength(1);
      expect(first[0]).toMatchObject({
        actor: { type: 'staff', id: agent.id, name: agent.name },
        ip: '127.0.0.1',
        details: { route: 'GET /api/v1/settings', reason: 'needs:settings.manage', count: 1, address: '127.0.0.1' },
      });

      // A new minute: the held-back count is written, and the next denial is an event of its own.
      shop.clock.advance(NEXT_MINUTE);
      expect((await api(shop, agent, 'GET', '/settings')).status).toBe(403);
      const events = await since(before, 'access.denied');
      expect(counts(events)).toEqual([1, 49, 1]);
      expect(events.every((e) => e.actor.id === agent.id && e.details.route === 'GET /api/v1/settings')).toBe(true);
      const [opened, rest, next] = events.map((e) => ({
        firstAt: Date.parse(String(e.details.firstAt)),
        lastAt: Date.parse(String(e.details.lastAt)),
      }));
      expect(rest?.firstAt).toBeGreaterThanOrEqual(opened?.firstAt ?? Infinity);
      expect(rest?.lastAt).toBeLessThan((opened?.firstAt ?? 0) + ONE_MINUTE);
      expect(next?.firstAt).toBeGreaterThanOrEqual((opened?.firstAt ?? Infinity) + ONE_MINUTE);
      expect(await chainVerifies(shop)).toBe(true);
    });

    it('keeps staff members, routes and reasons apart', async () => {
      const before = await auditHead(shop);
      for (let i = 0; i < 3; i++) {
        expect((await api(shop, agent, 'PUT', '/settings', {})).status).toBe(403);
        expect((await api(shop, trainee, 'GET', '/assist-sessions')).status).toBe(403);
        expect((await api(shop, supervisor, 'GET', '/settings')).status).toBe(403);
      }
      const events = await since(before, 'access.denied');
      expect(events.map((e) => [e.actor.id, e.details.route, e.details.reason, e.details.count])).toEqual([
        [agent.id, 'PUT /api/v1/settings', 'needs:settings.manage', 1],
        [trainee.id, 'GET /api/v1/assist-sessions', 'needs:assist.view|sessions.read.all', 1],
        [supervisor.id, 'GET /api/v1/settings', 'needs:settings.manage', 1],
      ]);
    });

    it("writes the rest of a minute's count when the minute is over, with no further request", async () => {
      const before = await auditHead(shop);
      expect(await flood(5, () => api(shop, trainee, 'GET', '/settings'))).toEqual(statusTimes(5, 403));
      // Only this key's events: the previous test's counts may be written meanwhile.
      const trainees = (e: StoredAuditEvent) => e.actor.id === trainee.id && e.details.route === 'GET /api/v1/settings';
      expect(counts((await since(before, 'access.denied')).filter(trainees))).toEqual([1]);
      await countsOnceTheMinuteEnds(before, 'access.denied', [1, 4], trainees);
      expect(await chainVerifies(shop)).toBe(true);
    });

    it("records a session check's 403 too (only a session's agent sends its heartbeat)", async () => {
      const session = await startViewSession();
      const before = await auditHead(shop);
      expect(await flood(2, () => api(shop, supervisor, 'POST', `/assist-sessions/${session.id}/heartbeat`))).toEqual(
        statusTimes(2, 403),
      );
      const events = (await since(before, 'access.denied')).filter((e) => e.actor.id === supervisor.id);
      expect(events.map((e) => [e.details.route, e.details.reason, e.details.count])).toEqual([
        ['POST /api/v1/assist-sessions/:id/heartbeat', 'not_session_agent', 1],
      ]);
      await session.end();
    });
  });

  describe('refused handoff codes (session.handoff_refused)', () => {
    it("records unknown and malformed codes with the caller's address, one key per address and reason", async () => {
      const before = await auditHead(shop);
      const enter = (code: string) => `${shop.url}/store/us/assist/enter?code=${code}`;
      const statuses = [
        ...(await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            getFrom('127.0.0.1', enter(`unknown-code-${String(i).padStart(40, '0')}`)),
          ),
        )),
        ...(await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            getFrom('127.0.0.2', enter(`other-code-${String(i).padStart(40, '0')}`)),
          ),
        )),
        ...(await Promise.all(Array.from({ length: 3 }, () => getFrom('127.0.0.1', enter('%3Cscript%3E'))))),
      ];
      expect(statuses.every((s) => s === 404)).toBe(true);
      const first = await since(before, 'session.handoff_refused');
      expect(
        first.map((e) => [e.actor, e.ip, e.details.address, e.details.reason, e.details.count, e.details.route]),
      ).toEqual([
        [
          { type: 'system', id: null, name: 'unknown' },
          '127.0.0.1',
          '127.0.0.1',
          'unknown',
          1,
          'GET /store/:store/assist/enter',
        ],
        [
          { type: 'system', id: null, name: 'unknown' },
          '127.0.0.2',
          '127.0.0.2',
          'unknown',
          1,
          'GET /store/:store/assist/enter',
        ],
        [
          { type: 'system', id: null, name: 'unknown' },
          '127.0.0.1',
          '127.0.0.1',
          'malformed',
          1,
          'GET /store/:store/assist/enter',
        ],
      ]);
      shop.clock.advance(NEXT_MINUTE);
      await expect
        .poll(
          async () =>
            (await since(before, 'session.handoff_refused')).map(
              (e) => `${String(e.details.address)} ${String(e.details.reason)} ${String(e.details.count)}`,
            ),
          { timeout: 5000 },
        )
        .toEqual([
          '127.0.0.1 unknown 1',
          '127.0.0.2 unknown 1',
          '127.0.0.1 malformed 1',
          '127.0.0.1 unknown 19',
          '127.0.0.2 unknown 9',
          '127.0.0.1 malformed 2',
        ]);
      // The codes themselves are secrets of a kind: never in the log.
      expect(JSON.stringify(await since(before, 'session.handoff_refused'))).not.toMatch(
        /unknown-code|other-code|script/,
      );
      expect(await chainVerifies(shop)).toBe(true);
    });

    it('records replays of a used code against its session and agent, aggregated', async () => {
      const session = await startViewSession();
      expect((await new TestBrowser(shop.url).get(session.handoffPath)).status).toBe(303);
      const before = await auditHead(shop);
      expect(await flood(6, () => new TestBrowser(shop.url).get(session.handoffPath))).toEqual(statusTimes(6, 410));
      await countsOnceTheMinuteEnds(before, 'session.handoff_refused', [1, 5]);
      const events = await since(before, 'session.handoff_refused');
      expect(
        events.every(
          (e) =>
            e.actor.id === agent.id &&
            e.sessionId === session.id &&
            e.customerId === JANE.id &&
            e.details.reason === 'used',
        ),
      ).toBe(true);
      await session.end();
    });
  });

  describe('refused storefront actions (session.action_refused)', () => {
    it("aggregates an assisted session's refused actions, and the customer reads how many there were", async () => {
      const session = await startViewSession();
      const browser = new TestBrowser(shop.url);
      expect((await browser.get(session.handoffPath)).status).toBe(303);
      const product = await browser.get('/store/us/product/earl-grey');
      const productId = /name="productId" value="([^"]+)"/.exec(product.html)?.[1] ?? '';
      const before = await auditHead(shop);
      const addToCart = () =>
        browser.post('/store/us/cart/add', { _csrf: csrfOf(product.html), productId, quantity: '1' });
      expect(await flood(20, addToCart)).toEqual(statusTimes(20, 403));
      const first = await since(before, 'session.action_refused');
      expect(first).toHaveLength(1);
      expect(first[0]).toMatchObject({
        actor: { type: 'staff', id: agent.id },
        sessionId: session.id,
        customerId: JANE.id,
        details: {
          route: 'POST /store/:store/cart/add',
          reason: 'view_mode',
          count: 1,
          path: '/store/us/cart/add',
          action: 'cart.add',
          status: 403,
        },
      });
      await countsOnceTheMinuteEnds(before, 'session.action_refused', [1, 19]);
      await session.end();

      const jane = await signInCustomer(shop, JANE.email);
      const history = await jane.get('/store/us/account/assistance');
      expect(history.html).toContain(
        'tried to add a product to your cart, and was stopped: the session was view only (19 times)',
      );
      expect(await chainVerifies(shop)).toBe(true);
    });
  });
});

describeBackends('refusals held back when the shop closes', (backend) => {
  it('are written by close(), before the database goes', async () => {
    const shop = await startTestShop(backend, { seed: seedStaff });
    try {
      const agent = await signInAs(shop, 'agent@demo.test');
      const before = await auditHead(shop);
      expect(await flood(10, () => api(shop, agent, 'GET', '/settings'))).toEqual(statusTimes(10, 403));
      await shop.app.close();
      const events = (await auditSince(shop, before)).filter((e) => e.action === 'access.denied');
      expect(counts(events)).toEqual([1, 9]);
      expect(await chainVerifies(shop)).toBe(true);
    } finally {
      await shop.close();
    }
  });
});

describeBackends('refusals of unknown callers from many addresses', (backend) => {
  it('share one key past the cap, so many addresses cannot mean many events', async () => {
    const db = await freshDatabase(backend);
    try {
      const refusals = refusalAggregator({ db, clock: systemClock }, { maxUnknownKeys: 2 });
      const from = (address: string): Refusal => ({
        action: 'session.handoff_refused',
        staff: null,
        route: 'GET /store/:store/assist/enter',
        reason: 'unknown',
        address,
        userAgent: null,
      });
      for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.1'])
        await refusals.record(from(address));
      await refusals.flush();
      const rows = await db.query<AuditRow>('SELECT * FROM audit_events ORDER BY seq');
      const events = rows.rows.map(auditEventFromRow);
      expect(events.map((e) => [e.ip, e.details.address, e.details.count])).toEqual([
        ['10.0.0.1', '10.0.0.1', 1],
        ['10.0.0.2', '10.0.0.2', 1],
        [null, MANY_ADDRESSES, 1],
        ['10.0.0.1', '10.0.0.1', 1],
        [null, MANY_ADDRESSES, 2],
      ]);
      expect(verifyChain(events).ok).toBe(true);
    } finally {
      await db.close();
    }
  });
});
