import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSessionResponse } from '../../shared/api/sessions';
import { errorCode } from '../test/auth-helpers';
import {
  api,
  auditHead,
  auditSince,
  CUSTOMERS,
  ONE_SECOND,
  putSettings,
  requestSession,
  resetSettings,
  signInAs,
  startAssistShop,
  type Agent,
} from '../test/fixtures';
import { describeBackends, type TestShop } from '../test/harness';
import { hashSecret } from '../lib/ids';
import { MAX_WRONG_CONSENT_CODES } from '../assist/create';
import { redeemHandoff, resolveAssistCookie } from '../assist/storefront-access';
import {
  activeConsentCode,
  consentCodeHash,
  grantConsent,
  issueConsentCode,
  readConsent,
  revokeConsent,
} from './consent';

const ORIGIN = { ip: '127.0.0.1', userAgent: 'account page' };
const HOUR = 3600 * ONE_SECOND;

describeBackends('customer consent', (backend) => {
  let shop: TestShop;
  let agent: Agent;
  let admin: Agent;
  /** Customers without consent and with a US account, one per test so tests do not share state. */
  let spare: { id: string; name: string; accountId: string }[] = [];
  const nextCustomer = () => {
    const customer = spare.shift();
    if (!customer) throw new Error('out of spare customers');
    return customer;
  };

  beforeAll(async () => {
    shop = await startAssistShop(backend);
    agent = await signInAs(shop, 'agent@demo.test');
    admin = await signInAs(shop, 'admin@demo.test');
    const rows = await shop.ctx.db.query<{ id: string; name: string; account_id: string }>(
      `SELECT c.id, c.name, a.id AS account_id FROM customers c JOIN accounts a ON a.customer_id = c.id AND a.store_id = 'sto_us'
        LEFT JOIN consents k ON k.customer_id = c.id
        WHERE k.customer_id IS NULL AND c.id <> $1 ORDER BY c.id LIMIT 20`,
      [CUSTOMERS.john.id],
    );
    spare = rows.rows.map((r) => ({ id: r.id, name: r.name, accountId: r.account_id }));
  });
  afterAll(async () => {
    await shop.close();
  });

  const ask = (customer: { id: string; accountId: string }, consentCode?: string) =>
    requestSession(shop, agent, {
      customerId: customer.id,
      accountId: customer.accountId,
      ...(consentCode !== undefined ? { consentCode } : {}),
    });

  const message = (response: { json: unknown }) => (response.json as { error: { message: string } }).error.message;

  describe("the customer's services", () => {
    it('grant, read and revoke, each audited with the customer as actor', async () => {
      const customer = nextCustomer();
      const now = shop.clock.now();
      expect(await readConsent(shop.ctx.db, customer.id, now)).toEqual({
        status: 'not_granted',
        grantedAt: null,
        expiresAt: null,
      });
      const before = await auditHead(shop);
      const granted = await grantConsent(shop.ctx, customer.id, '24h', ORIGIN);
      expect(granted.status).toBe('granted');
      expect(Date.parse(granted.expiresAt ?? '') - Date.parse(granted.grantedAt ?? '')).toBe(24 * HOUR);
      expect(await readConsent(shop.ctx.db, customer.id, shop.clock.now())).toEqual(granted);
      const forever = await grantConsent(shop.ctx, customer.id, 'until_revoked', ORIGIN);
      expect(forever).toMatchObject({ status: 'granted', expiresAt: null });
      const revoked = await revokeConsent(shop.ctx, customer.id, ORIGIN);
      expect(revoked.status).toBe('not_granted');
      expect((await readConsent(shop.ctx.db, customer.id, shop.clock.now())).status).toBe('not_granted');

      const events = await auditSince(shop, before);
      expect(events.map((e) => e.action)).toEqual([
        'customer.consent_granted',
        'customer.consent_granted',
        'customer.consent_revoked',
      ]);
      for (const event of events) {
        expect(event).toMatchObject({
          actor: { type: 'customer', id: customer.id, name: customer.name },
          customerId: customer.id,
          ip: '127.0.0.1',
          userAgent: 'account page',
        });
      }
      expect(events.map((e) => e.details.duration ?? null)).toEqual(['24h', 'until_revoked', null]);
    });

    it('refuses an unknown customer', async () => {
      await expect(grantConsent(shop.ctx, 'cus_nobody', '1h', ORIGIN)).rejects.toMatchObject({
        status: 404,
        code: 'customer_not_found',
      });
      await expect(issueConsentCode(shop.ctx, 'stf_admin', ORIGIN)).rejects.toMatchObject({
        status: 404,
        code: 'customer_not_found',
      });
    });

    it('issues six-digit codes stored hashed with the customer id; a new code retires the previous one', async () => {
      const customer = nextCustomer();
      const before = await auditHead(shop);
      const first = await issueConsentCode(shop.ctx, customer.id, ORIGIN);
      expect(first.code).toMatch(/^\d{6}$/);
      expect(Date.parse(first.expiresAt) - shop.clock.now().getTime()).toBeLessThanOrEqual(
        shop.ctx.config.consentCodeSeconds * ONE_SECOND,
      );
      const stored = await shop.ctx.db.query<{ code_hash: string }>(
        'SELECT code_hash FROM consent_codes WHERE customer_id = $1',
        [customer.id],
      );
      expect(stored.rows.map((r) => r.code_hash)).toEqual([consentCodeHash(customer.id, first.code)]);
      expect(stored.rows[0]?.code_hash).not.toBe(hashSecret(first.code));
      expect(stored.rows[0]?.code_hash).not.toContain(first.code);
      expect((await activeConsentCode(shop.ctx.db, customer.id, shop.clock.now()))?.expiresAt).toBe(first.expiresAt);

      const second = await issueConsentCode(shop.ctx, customer.id, ORIGIN);
      const stale = await ask(customer, first.code === second.code ? undefined : first.code);
      expect([stale.status, errorCode(stale)]).toEqual([403, 'consent_required']);
      const fresh = await ask(customer, second.code);
      expect(fresh.status, JSON.stringify(fresh.json)).toBe(201);

      const events = await auditSince(shop, before);
      expect(events.filter((e) => e.actor.type === 'customer').map((e) => e.action)).toEqual([
        'customer.consent_code_issued',
        'customer.consent_code_issued',
      ]);
      expect(JSON.stringify(events)).not.toContain(`"${first.code}"`);
    });

    it("revoking consent ends the sessions running on the customer's account", async () => {
      const customer = nextCustomer();
      await grantConsent(shop.ctx, customer.id, '1h', ORIGIN);
      const created = CreateSessionResponse.parse((await ask(customer)).json);
      const redeemed = await redeemHandoff(
        shop.ctx,
        new URL(created.handoffUrl).searchParams.get('code') ?? '',
        ORIGIN,
      );
      expect(redeemed.ok).toBe(true);
      const before = await auditHead(shop);
      await revokeConsent(shop.ctx, customer.id, ORIGIN);
      if (redeemed.ok)
        expect(await resolveAssistCookie(shop.ctx, redeemed.cookieSecret)).toEqual({
          ok: false,
          reason: 'ended',
          endReason: 'ended_by_customer',
        });
      const events = await auditSince(shop, before);
      expect(events.map((e) => [e.action, e.actor.type, e.sessionId])).toEqual([
        ['customer.consent_revoked', 'customer', null],
        ['session.end', 'customer', created.session.id],
      ]);
      const refused = await ask(customer);
      expect([refused.status, errorCode(refused)]).toEqual([403, 'consent_required']);
    });
  });

  describe('sessions need consent', () => {
    it('none: refused, and the message says so', async () => {
      const response = await ask({ id: CUSTOMERS.john.id, accountId: CUSTOMERS.john.usAccount });
      expect([response.status, errorCode(response)]).toEqual([403, 'consent_required']);
      expect(message(response)).toContain('has not allowed assistance');
    });

    it('standing consent for 1 hour: allowed within the hour, refused as expired after it', async () => {
      const customer = nextCustomer();
      await grantConsent(shop.ctx, customer.id, '1h', ORIGIN);
      const allowed = await ask(customer);
      expect(allowed.status).toBe(201);
      shop.clock.advance(HOUR + ONE_SECOND);
      const before = await auditHead(shop);
      const refused = await ask(customer);
      expect([refused.status, errorCode(refused)]).toEqual([403, 'consent_required']);
      expect(message(refused)).toContain('expired');
      const events = (await auditSince(shop, before)).filter((e) => e.action === 'session.refused');
      expect(events.map((e) => e.details.consent)).toEqual(['expired']);
      expect((await readConsent(shop.ctx.db, customer.id, shop.clock.now())).status).toBe('expired');
    });

    it('a valid code allows one session and is marked used by it', async () => {
      const customer = nextCustomer();
      const { code } = await issueConsentCode(shop.ctx, customer.id, ORIGIN);
      const before = await auditHead(shop);
      const response = await ask(customer, code);
      expect(response.status, JSON.stringify(response.json)).toBe(201);
      const { session } = CreateSessionResponse.parse(response.json);
      const row = await shop.ctx.db.query<{ used_by_session: string; used_at: Date | null }>(
        'SELECT used_by_session, used_at FROM consent_codes WHERE customer_id = $1',
        [customer.id],
      );
      expect(row.rows[0]?.used_by_session).toBe(session.id);
      expect(row.rows[0]?.used_at).not.toBeNull();
      const basis = await shop.ctx.db.query<{ consent_basis: string }>(
        'SELECT consent_basis FROM assist_sessions WHERE id = $1',
        [session.id],
      );
      expect(basis.rows[0]?.consent_basis).toBe('code');
      const events = (await auditSince(shop, before)).filter((e) => e.sessionId === session.id);
      expect(events.map((e) => e.action)).toEqual(['customer.consent_code_used', 'session.start']);
      expect(events[0]).toMatchObject({ actor: { type: 'staff', id: agent.id }, customerId: customer.id });
      expect(events[1]?.details.consentBasis).toBe('code');

      const twice = await ask(customer, code);
      expect([twice.status, errorCode(twice)]).toEqual([403, 'consent_required']);
      expect(message(twice)).toContain('already been used');
    });

    it('a code starts one session even when two agents use it at once', async () => {
      const customer = nextCustomer();
      const agent2 = await signInAs(shop, 'agent2@demo.test');
      const { code } = await issueConsentCode(shop.ctx, customer.id, ORIGIN);
      const [first, second] = await Promise.all([
        requestSession(shop, agent, { customerId: customer.id, accountId: customer.accountId, consentCode: code }),
        requestSession(shop, agent2, { customerId: customer.id, accountId: customer.accountId, consentCode: code }),
      ]);
      expect([first.status, second.status].sort()).toEqual([201, 403]);
      const sessions = await shop.ctx.db.query('SELECT id FROM assist_sessions WHERE customer_id = $1', [customer.id]);
      expect(sessions.rows).toHaveLength(1);
    });

    it('withdrawing consent while the storefront is being used ends the session cleanly', async () => {
      const customer = nextCustomer();
      await grantConsent(shop.ctx, customer.id, 'until_revoked', ORIGIN);
      const created = CreateSessionResponse.parse((await ask(customer)).json);
      const redeemed = await redeemHandoff(
        shop.ctx,
        new URL(created.handoffUrl).searchParams.get('code') ?? '',
        ORIGIN,
      );
      if (!redeemed.ok) throw new Error(redeemed.reason);
      const [revoked, ...resolved] = await Promise.all([
        revokeConsent(shop.ctx, customer.id, ORIGIN),
        ...Array.from({ length: 4 }, () => resolveAssistCookie(shop.ctx, redeemed.cookieSecret)),
      ]);
      expect(revoked.status).toBe('not_granted');
      expect(resolved.every((r) => r.ok || r.endReason === 'ended_by_customer')).toBe(true);
      expect(await resolveAssistCookie(shop.ctx, redeemed.cookieSecret)).toEqual({
        ok: false,
        reason: 'ended',
        endReason: 'ended_by_customer',
      });
      const ends = (await auditSince(shop, 0)).filter(
        (e) => e.action === 'session.end' && e.sessionId === created.session.id,
      );
      expect(ends).toHaveLength(1);
    });

    it('an expired code is refused; a code is only good for its own customer', async () => {
      const customer = nextCustomer();
      const other = nextCustomer();
      const { code } = await issueConsentCode(shop.ctx, customer.id, ORIGIN);
      const elsewhere = await ask(other, code);
      expect([elsewhere.status, errorCode(elsewhere)]).toEqual([403, 'consent_required']);
      expect(message(elsewhere)).toContain('not valid');
      shop.clock.advance((shop.ctx.config.consentCodeSeconds + 1) * ONE_SECOND);
      const before = await auditHead(shop);
      const expired = await ask(customer, code);
      expect([expired.status, errorCode(expired)]).toEqual([403, 'consent_required']);
      expect(message(expired)).toContain('expired');
      const refusals = (await auditSince(shop, before)).filter((e) => e.action === 'session.refused');
      expect(refusals.map((e) => e.details.consent)).toEqual(['code_expired']);
      const unused = await shop.ctx.db.query<{ used_at: Date | null }>(
        'SELECT used_at FROM consent_codes WHERE customer_id = $1',
        [customer.id],
      );
      expect(unused.rows[0]?.used_at).toBeNull();
    });

    it("withdraws the customer's code after too many wrong ones, so codes cannot be guessed", async () => {
      const customer = nextCustomer();
      const { code } = await issueConsentCode(shop.ctx, customer.id, ORIGIN);
      const wrong = (n: number) => String((Number(code) + n) % 1_000_000).padStart(6, '0');
      const before = await auditHead(shop);
      for (let i = 1; i <= MAX_WRONG_CONSENT_CODES; i++) {
        const response = await ask(customer, wrong(i));
        expect([response.status, errorCode(response)]).toEqual([403, 'consent_required']);
      }
      const right = await ask(customer, code);
      expect([right.status, errorCode(right)]).toEqual([403, 'consent_required']);
      const refusals = (await auditSince(shop, before)).filter((e) => e.action === 'session.refused');
      expect(refusals.map((e) => e.details.consent)).toEqual([
        ...Array<string>(MAX_WRONG_CONSENT_CODES - 1).fill('code_invalid'),
        'code_withdrawn',
        'code_expired',
      ]);
      expect(await activeConsentCode(shop.ctx.db, customer.id, shop.clock.now())).toBeNull();
      const fresh = await issueConsentCode(shop.ctx, customer.id, ORIGIN);
      expect((await ask(customer, fresh.code)).status).toBe(201);
    });

    it('is not needed when the settings say so', async () => {
      await putSettings(shop, admin, { consentRequired: false });
      try {
        const response = await ask({ id: CUSTOMERS.john.id, accountId: CUSTOMERS.john.usAccount });
        expect(response.status, JSON.stringify(response.json)).toBe(201);
        const { session } = CreateSessionResponse.parse(response.json);
        const events = (await auditSince(shop, 0)).filter((e) => e.sessionId === session.id);
        expect(events.map((e) => [e.action, e.details.consentBasis])).toEqual([['session.start', 'not_required']]);
      } finally {
        await resetSettings(shop, admin);
      }
      const again = await ask({ id: CUSTOMERS.john.id, accountId: CUSTOMERS.john.usAccount });
      expect([again.status, errorCode(again)]).toEqual([403, 'consent_required']);
    });

    it("staff cannot change a customer's consent through the API", async () => {
      for (const [method, path] of [
        ['PUT', `/customers/${CUSTOMERS.john.id}/consent`],
        ['POST', `/customers/${CUSTOMERS.john.id}/consent`],
        ['POST', `/customers/${CUSTOMERS.john.id}/consent-codes`],
      ] as const) {
        const response = await api(shop, admin, method, path, { duration: 'until_revoked' });
        expect(response.status).toBe(404);
      }
      expect((await readConsent(shop.ctx.db, CUSTOMERS.john.id, shop.clock.now())).status).toBe('not_granted');
    });
  });
});
