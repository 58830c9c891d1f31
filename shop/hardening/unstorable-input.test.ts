import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../assist/create';
import { authenticate } from '../auth/tokens';
import { encodeCursor, searchFingerprint } from '../customers/cursor';
import { ApiError } from '../lib/errors';
import { hashSecret } from '../lib/ids';
import { JANE, seedDemo } from '../seed/demo';
import { storefrontPlugin } from '../storefront/plugin';
import { startAssistedSession } from '../storefront/test-assist';
import { TestBrowser } from '../storefront/test-browser';
import { apiRequest, errorCode, type ApiResult } from '../test/auth-helpers';
import {
  api,
  auditHead,
  auditSince,
  CUSTOMERS,
  LONG_LEASE_SECONDS,
  requestSession,
  signInAs,
  startSession,
  stepUpToken,
  type Agent,
} from '../test/fixtures';
import { describeBackends, startTestShop, type TestShop } from '../test/harness';

const NUL = '\u0000';
const LONE_SURROGATE = '\ud800';

function fieldsOf(result: ApiResult): { path: string; message: string }[] {
  return (result.json as { error: { fields?: { path: string; message: string }[] } }).error.fields ?? [];
}

async function tokenSpent(shop: TestShop, stepUpToken: string): Promise<boolean | undefined> {
  const rows = await shop.ctx.db.query<{ used: boolean }>(
    'SELECT used_at IS NOT NULL AS used FROM step_up_tokens WHERE token_hash = $1',
    [hashSecret(stepUpToken)],
  );
  return rows.rows[0]?.used;
}

// Text PostgreSQL cannot store (NUL; an unpaired surrogate, which jsonb refuses and text silently
// mangles) used to reach the database and fail there as 500 internal_error.
describeBackends('unstorable input', (backend) => {
  let shop: TestShop;
  let agent: Agent;
  beforeAll(async () => {
    shop = await startTestShop(backend, {
      seed: (db) => seedDemo(db, { now: () => new Date() }),
      config: { accessTokenSeconds: 24 * 3600, stepUpSeconds: 24 * 3600, consoleLeaseSeconds: LONG_LEASE_SECONDS },
      build: { extraPlugins: [storefrontPlugin] },
    });
    agent = await signInAs(shop, 'agent@demo.test');
  });
  afterAll(async () => {
    await shop.close();
  });

  describe('API', () => {
    it('refuses a customer search for text with NUL as 400 naming querystring.q', async () => {
      const search = await api(shop, agent, 'GET', '/customers?q=jane%00');
      expect(search.status, JSON.stringify(search.json)).toBe(400);
      expect(errorCode(search)).toBe('validation_failed');
      expect(fieldsOf(search)).toEqual([{ path: 'querystring.q', message: expect.stringContaining('NUL') as string }]);
      expect((search.json as { error: { message: string } }).error.message).toContain('querystring.q');
    });

    it('still answers a customer search with NUL from a caller not signed in with 401, not the 400', async () => {
      const search = await apiRequest(shop.url, 'GET', '/customers?q=jane%00', { token: 'A'.repeat(43) });
      expect(search.status, JSON.stringify(search.json)).toBe(401);
      const none = await apiRequest(shop.url, 'GET', '/customers?q=jane%00');
      expect(none.status, JSON.stringify(none.json)).toBe(401);
    });

    it('refuses a search cursor whose position carries NUL as the invalid cursor it is', async () => {
      const cursor = encodeCursor(
        { segment: 'name_prefix', value: `jane${NUL}`, id: JANE.id },
        searchFingerprint(['jane', undefined, undefined]),
      );
      const search = await api(shop, agent, 'GET', `/customers?q=jane&cursor=${cursor}`);
      expect(search.status, JSON.stringify(search.json)).toBe(400);
      expect(fieldsOf(search)).toEqual([{ path: 'querystring.cursor', message: 'is invalid' }]);
    });

    it('refuses a session start with unstorable reason or ticket before any check: the token stays unspent, and the same start with storable text is refused on record', async () => {
      const token = await stepUpToken(shop, agent);
      const before = await auditHead(shop);
      const john = { customerId: CUSTOMERS.john.id, accountId: CUSTOMERS.john.usAccount, stepUpToken: token };
      for (const [field, bad] of [
        ['reason', { reason: `Phone call${NUL}` }],
        ['reason', { reason: `Phone call ${LONE_SURROGATE}` }],
        ['ticket', { ticket: `T-1${NUL}` }],
      ] as const) {
        const refused = await requestSession(shop, agent, { ...john, ...bad });
        expect(refused.status, JSON.stringify(refused.json)).toBe(400);
        expect(errorCode(refused)).toBe('validation_failed');
        expect(fieldsOf(refused).map((f) => f.path)).toEqual([`body.${field}`]);
      }
      // Nothing was attempted: no refusal to record and the token still unspent.
      expect(await auditSince(shop, before)).toEqual([]);
      expect(await tokenSpent(shop, token)).toBe(false);

      // John has given no consent: the same start with storable text is refused, audited, and spends the token.
      const refused = await requestSession(shop, agent, john);
      expect(refused.status).toBe(403);
      expect(errorCode(refused)).toBe('consent_required');
      const events = await auditSince(shop, before);
      expect(events.map((e) => [e.action, e.details.code])).toEqual([['session.refused', 'consent_required']]);
      expect(await tokenSpent(shop, token)).toBe(true);
    });

    it('refuses an end note with NUL and leaves the session running', async () => {
      const started = await startSession(shop, agent);
      const end = await api(shop, agent, 'POST', `/assist-sessions/${started.id}/end`, { note: `done${NUL}` });
      expect(end.status, JSON.stringify(end.json)).toBe(400);
      expect(fieldsOf(end).map((f) => f.path)).toEqual(['body.note']);
      const read = await api(shop, agent, 'GET', `/assist-sessions/${started.id}`);
      expect((read.json as { status: string }).status).not.toBe('ended');
      expect((await api(shop, agent, 'POST', `/assist-sessions/${started.id}/end`, {})).status).toBe(200);
    });

    it('names unstorable object keys too, and every field at fault', async () => {
      const token = await stepUpToken(shop, agent);
      const refused = await api(shop, agent, 'POST', '/assist-sessions', {
        customerId: CUSTOMERS.jane.id,
        accountId: CUSTOMERS.jane.usAccount,
        mode: 'view',
        stepUpToken: token,
        reason: `a${NUL}b`,
        ticket: `${LONE_SURROGATE}x`,
        [`x${NUL}`]: 1,
      });
      expect(refused.status).toBe(400);
      expect(fieldsOf(refused).map((f) => f.path)).toEqual(['body.reason', 'body.ticket', 'body.x\\u0000']);
    });

    it('createSession itself refuses unstorable text before its transaction, so the token is not spent by a start that cannot be recorded', async () => {
      const token = await stepUpToken(shop, agent);
      const principal = await authenticate(shop.ctx.db, shop.ctx, `Bearer ${agent.token}`);
      const before = await auditHead(shop);
      const start = createSession(
        shop.ctx,
        principal,
        {
          customerId: CUSTOMERS.john.id,
          accountId: CUSTOMERS.john.usAccount,
          mode: 'view',
          reason: `Phone call${NUL}`,
          stepUpToken: token,
        },
        { ip: '127.0.0.1', userAgent: null },
      );
      await expect(start).rejects.toSatisfy(
        (e) => e instanceof ApiError && e.status === 400 && e.fields?.[0]?.path === 'body.reason',
      );
      expect(await auditSince(shop, before)).toEqual([]);
      expect(await tokenSpent(shop, token)).toBe(false);
    });
  });

  describe('storefront', () => {
    const badPage = (page: { status: number; html: string }, field: string) => {
      expect(page.status, page.html.slice(0, 500)).toBe(400);
      expect(page.html).toContain('data-testid="error-page"');
      expect(page.html).toContain(`${field}: contains a NUL character`);
    };

    it('refuses a search, a product and a category address with NUL as a 400 page naming the field', async () => {
      const browser = new TestBrowser(shop.url);
      badPage(await browser.get('/store/us/search?q=jane%00'), 'q');
      badPage(await browser.get('/store/us/product/beans%00'), 'slug');
      badPage(await browser.get('/store/us/category/tea%00'), 'slug');
    });

    it('refuses sign-in and registration with NUL as a 400 page, and registers no one', async () => {
      const browser = new TestBrowser(shop.url);
      badPage(
        await browser.submit('/store/us/signin', '/store/us/signin', {
          email: `${JANE.email}${NUL}`,
          password: 'customer-demo',
        }),
        'email',
      );
      badPage(
        await browser.submit('/store/us/signin', '/store/us/signin', {
          email: JANE.email,
          password: `customer-demo${NUL}`,
        }),
        'password',
      );
      const email = 'nul.tester@example.test';
      badPage(
        await browser.submit('/store/us/register', '/store/us/register', {
          firstName: `Nul${NUL}`,
          lastName: 'Tester',
          email,
          password: 'long enough password',
        }),
        'firstName',
      );
      const found = await shop.ctx.db.query('SELECT 1 FROM customers WHERE email = $1', [email]);
      expect(found.rows).toEqual([]);
    });

    it('in an assisted session, refuses a form with NUL as a 400 page recorded as one refused action', async () => {
      const started = await startAssistedSession(shop.url, shop.ctx.db, {
        customerId: JANE.id,
        storeId: 'sto_us',
        mode: 'act',
        clock: shop.clock,
        accessToken: agent.token,
        staffEmail: agent.email,
      });
      const browser = new TestBrowser(shop.url);
      const url = new URL(started.handoffUrl);
      expect((await browser.get(`${url.pathname}${url.search}`)).status).toBe(303);
      const before = await auditHead(shop);
      const added = await browser.submit('/store/us/account/addresses', '/store/us/account/addresses', {
        fullName: 'Jane Doe',
        line1: `1 Main St${NUL}`,
        city: 'Springfield',
        postalCode: '12345',
        country: 'US',
      });
      badPage(added, 'line1');
      const events = (await auditSince(shop, before)).map((e) => [
        e.action,
        e.details.status ?? null,
        e.details.reason ?? null,
      ]);
      // The form page's view, then exactly one refused action for the post.
      expect(events).toEqual([
        ['session.page_view', 200, null],
        ['session.action_refused', 400, 'invalid_input'],
      ]);
    });
  });
});
