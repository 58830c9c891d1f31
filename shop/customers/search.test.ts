import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Consent,
  Customer,
  CustomerSearchResponse,
  CustomerSummary,
  DocumentsResponse,
  Store,
} from '../../shared/api/shop';
import { z } from 'zod';
import type { Database } from '../db/database';
import { searchCustomers } from './search';
import { accessGate } from '../auth/guard';
import { systemClock } from '../lib/clock';
import { JANE, JOHN, seedDemo } from '../seed/demo';
import { apiRequest, errorCode, signIn } from '../test/auth-helpers';
import { describeBackends, startTestShop, type TestShop } from '../test/harness';
import { analyzedPlanNodes, recordingQueryable } from '../test/statements';
import { grantConsent, revokeConsent } from '../consent/consent';

const HOUR = 3_600_000;
const StrictSearchResponse = CustomerSearchResponse.extend({
  items: z.array(
    CustomerSummary.extend({
      consent: Consent.strict(),
      match: CustomerSummary.shape.match.unwrap().strict().nullable(),
    }).strict(),
  ),
}).strict();

/** Customers whose names make ranking visible: an exact, a prefix and a contains match of "ivy quill". */
async function seedFixtures(db: Database): Promise<void> {
  await seedDemo(db, systemClock);
  const hash = (
    await db.query<{ password_hash: string }>('SELECT password_hash FROM customers WHERE id = $1', [JANE.id])
  ).rows[0]!.password_hash;
  const people = [
    ['cus_t1', 'C-9000001', 'Ivy', 'Quill', 'ivy.q@fixture.test'],
    ['cus_t2', 'C-9000002', 'Ivy', 'Quillfeather', 'ivyq@fixture.test'],
    ['cus_t3', 'C-9000003', 'Zoe Ivy', 'Quill', 'zoe@fixture.test'],
    ['cus_t4', 'C-9000004', 'Percy', '100%_Real', 'percy@fixture.test'],
  ] as const;
  for (const [id, number, first, last, email] of people) {
    await db.query(
      `INSERT INTO customers (id, number, first_name, last_name, name, email, password_hash) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, number, first, last, `${first} ${last}`, email, hash],
    );
    await db.query(`INSERT INTO accounts (id, customer_id, store_id) VALUES ($1, $2, 'sto_eu')`, [`acc_${id}`, id]);
  }
  // cus_t1's consent runs out in an hour; tests move the clock past it.
  await db.query(
    `INSERT INTO consents (customer_id, granted, granted_at, expires_at, updated_at) VALUES ('cus_t1', true, now(), now() + interval '1 hour', now())`,
  );
  // A document placed during an assisted session, so placedBy has something to show.
  await db.query(
    `INSERT INTO assist_sessions (id, staff_id, customer_id, account_id, store_id, mode, reason, status, started_at, expires_at, last_activity_at, idle_timeout_seconds, ended_at, end_reason, consent_basis)
     VALUES ('ses_fixture', 'stf_agent', 'cus_t1', 'acc_cus_t1', 'sto_eu', 'act', 'Order by phone', 'ended', now(), now(), now(), 600, now(), 'agent', 'standing')`,
  );
  await db.query(
    `INSERT INTO documents (id, type, number, customer_id, account_id, store_id, status, total_cents, currency, created_at, placed_by_staff_id, assist_session_id)
     VALUES ('ord_fixture', 'order', 'O-90000001', 'cus_t1', 'acc_cus_t1', 'sto_eu', 'pending', 1999, 'EUR', now(), 'stf_agent', 'ses_fixture')`,
  );
}

describeBackends('customers API', (backend) => {
  let shop: TestShop;
  let token: string;

  beforeAll(async () => {
    // Tokens outlive the clock jump in the consent-expiry test.
    shop = await startTestShop(backend, { seed: seedFixtures, config: { accessTokenSeconds: 24 * 3600 } });
    token = (await signIn(shop.url, 'agent@demo.test', { clock: shop.clock })).accessToken;
  });
  afterAll(async () => {
    await shop.close();
  });

  const get = (path: string) => apiRequest(shop.url, 'GET', path, { token });
  const search = async (params: Record<string, string | number>) => {
    const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
    const result = await get(`/customers?${query.toString()}`);
    expect(result.status, JSON.stringify(result.json)).toBe(200);
    // The route writes its JSON without the response schema: every answer must still be exactly one.
    expect(result.headers.get('content-type')).toBe('application/json; charset=utf-8');
    return StrictSearchResponse.parse(result.json);
  };
  /** Every page of a search, following nextCursor to the end. */
  const searchAll = async (params: Record<string, string | number>) => {
    const items: CustomerSummary[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 1000; page++) {
      const response = await search(cursor ? { ...params, cursor } : params);
      items.push(...response.items);
      expect(response.items.length).toBeLessThanOrEqual(Number(params.limit ?? 25));
      cursor = response.nextCursor;
      if (!cursor) return items;
    }
    throw new Error('pagination did not end');
  };
  /** A customer named `first last`, with Jane's password hash. */
  const addCustomer = (id: string, number: string, first: string, last: string, email: string) =>
    shop.ctx.db.query(
      `INSERT INTO customers (id, number, first_name, last_name, name, email, password_hash) SELECT $1, $2, $3, $4, $3 || ' ' || $4, $5, password_hash FROM customers WHERE id = $6`,
      [id, number, first, last, email, JANE.id],
    );
  const docNumber = async (customerId: string, type: string) =>
    (
      await shop.ctx.db.query<{ number: string }>(
        'SELECT number FROM documents WHERE customer_id = $1 AND type = $2 ORDER BY number LIMIT 1',
        [customerId, type],
      )
    ).rows[0]!.number;

  describe('GET /stores', () => {
    it('lists both stores with their storefront URLs', async () => {
      const result = await get('/stores');
      expect(result.status).toBe(200);
      const stores = z.array(Store).parse(result.json);
      expect(stores).toEqual([
        { id: 'sto_eu', code: 'eu', name: 'Concierge Demo EU', baseUrl: `${shop.url}/store/eu/`, currency: 'EUR' },
        { id: 'sto_us', code: 'us', name: 'Concierge Demo US', baseUrl: `${shop.url}/store/us/`, currency: 'USD' },
      ]);
    });

    it('needs a signed-in staff member', async () => {
      expect((await apiRequest(shop.url, 'GET', '/stores')).status).toBe(401);
      expect((await apiRequest(shop.url, 'GET', '/customers?q=jane')).status).toBe(401);
    });
  });

  describe('search matches each field and says what matched', () => {
    it('finds by exact email, then by email prefix', async () => {
      const exact = await search({ q: 'Jane@Example.com' });
      expect(exact.items[0]).toMatchObject({ id: JANE.id, match: { field: 'email', value: JANE.email } });
      const prefix = await search({ q: 'john@exa' });
      expect(prefix.items.map((i) => i.id)).toEqual([JOHN.id]);
      expect(prefix.items[0]!.match).toEqual({ field: 'email', value: JOHN.email });
    });

    it('finds by phone in any format, with or without the country code', async () => {
      for (const q of ['+1 (555) 010-2233', '15550102233', '555 010 2233', '5550102233', '1555010']) {
        const result = await search({ q });
        expect(
          result.items.map((i) => i.id),
          q,
        ).toContain(JANE.id);
        expect(result.items.find((i) => i.id === JANE.id)!.match).toEqual({
          field: 'phone',
          value: '+1 (555) 010-2233',
        });
      }
    });

    it('finds by customer number, with or without the dash', async () => {
      for (const q of ['C-0000002', 'c0000002']) {
        const result = await search({ q });
        expect(result.items[0]).toMatchObject({ id: JOHN.id, match: { field: 'number', value: 'C-0000002' } });
      }
    });

    it('finds by order, invoice, shipment and credit memo number', async () => {
      for (const type of ['order', 'invoice', 'shipment', 'credit_memo'] as const) {
        const number = await docNumber(JANE.id, type);
        const result = await search({ q: number.toLowerCase() });
        expect(result.items[0], type).toMatchObject({ id: JANE.id, match: { field: type, value: number } });
      }
    });

    it('lists a customer once for a document-number prefix, at its first matching number', async () => {
      const items = await searchAll({ q: 'O-0000', limit: 20 });
      const ids = items.map((i) => i.id);
      expect(new Set(ids).size).toBe(ids.length);
      const customersWithOrders = (
        await shop.ctx.db.query(`SELECT DISTINCT customer_id FROM documents WHERE number LIKE 'O-0000%'`)
      ).rows.length;
      expect(ids.length).toBe(customersWithOrders);
      expect(items.find((i) => i.id === JANE.id)!.match).toEqual({
        field: 'order',
        value: await docNumber(JANE.id, 'order'),
      });
      const numbers = items.map((i) => i.match!.value);
      expect([...numbers].sort()).toEqual(numbers);
    });

    it('finds by name, ignoring case and extra spaces', async () => {
      const result = await search({ q: '  jane   SMITH ' });
      expect(result.items[0]).toMatchObject({
        id: JANE.id,
        name: JANE.name,
        match: { field: 'name', value: JANE.name },
      });
    });

    it('treats LIKE wildcards in the query as plain characters', async () => {
      const result = await search({ q: '100%_r' });
      expect(result.items.map((i) => i.id)).toEqual(['cus_t4']);
      expect((await search({ q: '%' })).items).toEqual([]);
    });
  });

  describe('forgiving search', () => {
    it('finds "last, first" and "last first" as the full name', async () => {
      for (const q of ['Smith, Jane', 'smith jane', 'SMITH,JANE', '  smith ,  jane ']) {
        const result = await search({ q });
        expect(result.items[0], q).toMatchObject({ id: JANE.id, match: { field: 'name', value: JANE.name } });
      }
      expect((await search({ q: 'smith, j' })).items.map((i) => i.id)).toContain(JANE.id);
    });

    it('ignores accents on either side', async () => {
      await addCustomer('cus_a1', 'C-9300001', 'José', 'Núñez', 'cus_a1@fixture.test');
      try {
        for (const q of ['Jané', 'JANÉ SMÏTH', 'Smíth, Jâne'])
          expect(
            (await search({ q })).items.find((i) => i.id === JANE.id),
            q,
          ).toMatchObject({ match: { field: 'name', value: JANE.name } });
        for (const q of ['jose', 'JOSE NUNEZ', 'José Núñez', 'nunez, jose', 'nuñez', 'ose', 'unez']) {
          const found = (await search({ q })).items.find((i) => i.id === 'cus_a1');
          expect(found, q).toMatchObject({ name: 'José Núñez', match: { field: 'name', value: 'José Núñez' } });
        }
      } finally {
        await shop.ctx.db.query(`DELETE FROM customers WHERE id = 'cus_a1'`);
      }
    });

    it('finds a customer by the digits of a document number, saying which document matched', async () => {
      for (const type of ['order', 'invoice', 'shipment', 'credit_memo'] as const) {
        const digits = (await docNumber(JANE.id, type)).replace(/\D/g, '');
        const found = (await search({ q: digits })).items.find((i) => i.id === JANE.id);
        expect(found?.match?.value.replace(/\D/g, ''), `${type} ${digits}`).toBe(digits);
        expect(['order', 'invoice', 'shipment', 'credit_memo']).toContain(found?.match?.field);
      }
      // "00000002": every customer with a document numbered …-00000002, each at that document.
      const items = await searchAll({ q: '00000002', limit: 2 });
      const owners = await shop.ctx.db.query<{ customer_id: string; number: string }>(
        `SELECT customer_id, number FROM documents WHERE number LIKE '%-00000002' ORDER BY number`,
      );
      expect(owners.rows.length).toBeGreaterThan(0);
      expect(new Set(items.map((i) => i.id))).toEqual(new Set(owners.rows.map((r) => r.customer_id)));
      expect(items).toHaveLength(new Set(owners.rows.map((r) => r.customer_id)).size);
      for (const item of items) {
        const own = owners.rows.filter((r) => r.customer_id === item.id).map((r) => r.number);
        expect(own).toContain(item.match?.value);
        const type = (
          await shop.ctx.db.query<{ type: string }>('SELECT type FROM documents WHERE number = $1', [item.match?.value])
        ).rows[0]?.type;
        expect(item.match?.field).toBe(type);
      }
    });

    it('finds a customer by part of the customer number without its letter', async () => {
      for (const q of ['0000140', '000014', '140']) {
        const found = (await search({ q })).items.find((i) => i.number === 'C-0000140');
        expect(found, q).toMatchObject({ id: 'cus_000140', match: { field: 'number', value: 'C-0000140' } });
      }
      // A whole number comes first, before documents or phones ending in the same digits.
      expect((await search({ q: '0000140' })).items[0]?.number).toBe('C-0000140');
    });

    it('lists every customer a digit run matches once, across pages', async () => {
      const q = '0012';
      const items = await searchAll({ q, limit: 3 });
      const ids = items.map((i) => i.id);
      expect(new Set(ids).size).toBe(ids.length);
      const expected = await shop.ctx.db.query<{ id: string }>(
        `SELECT id FROM customers c WHERE number LIKE 'C-${q}%' OR number LIKE '%${q}' OR phone_digits LIKE '${q}%'
           OR EXISTS (SELECT 1 FROM documents d WHERE d.customer_id = c.id AND d.number LIKE '%${q}')`,
      );
      expect(new Set(ids)).toEqual(new Set(expected.rows.map((r) => r.id)));
      // Customer numbers, then documents, then phones.
      const rank = (i: CustomerSummary) => (i.match?.field === 'number' ? 0 : i.match?.field === 'phone' ? 2 : 1);
      const ranks = items.map(rank);
      expect(ranks).toEqual([...ranks].sort());
      expect(new Set(ranks).size).toBeGreaterThan(1);
    });
  });

  describe('ranking', () => {
    it('puts the exact match first, then prefix matches, then contains matches', async () => {
      const result = await search({ q: 'Ivy Quill' });
      expect(result.items.map((i) => i.id)).toEqual(['cus_t1', 'cus_t2', 'cus_t3']);
      expect(result.items.map((i) => i.match?.field)).toEqual(['name', 'name', 'name']);
    });

    it('lists first names containing a word before last names containing it, each customer once, across pages', async () => {
      const people = [
        ['cus_k1', 'Arnold', 'Smith'],
        ['cus_k2', 'Bob', 'Barnolt'],
        ['cus_k3', 'Darnold', 'Farnoli'],
      ] as const;
      for (const [id, first, last] of people)
        await addCustomer(id, `C-92${id.slice(-1)}`, first, last, `${id}@fixture.test`);
      try {
        // "rnol" is inside Arnold and Darnold (first names), then Barnolt and Farnoli (last names);
        // Darnold Farnoli is listed at its first name only.
        const ids = (await searchAll({ q: 'rnol', limit: 1 })).map((i) => i.id).filter((id) => id.startsWith('cus_k'));
        expect(ids).toEqual(['cus_k1', 'cus_k3', 'cus_k2']);
      } finally {
        await shop.ctx.db.query(`DELETE FROM customers WHERE id LIKE 'cus_k_'`);
      }
    });

    it('ranks every result of a broad query exact ≤ prefix ≤ contains, across pages', async () => {
      const q = 'son';
      const items = await searchAll({ q, limit: 4 });
      const tier = (c: CustomerSummary) => {
        const name = c.name.toLowerCase();
        if (name === q) return 0;
        if (name.startsWith(q) || name.split(' ').some((w) => w.startsWith(q)) || c.email.startsWith(q)) return 1;
        return 2;
      };
      const tiers = items.map(tier);
      expect(tiers).toEqual([...tiers].sort());
      expect(tiers).toContain(2);
      const expected = await shop.ctx.db.query<{ id: string }>(
        `SELECT id FROM customers WHERE lower(name) LIKE '%son%' OR lower(last_name) LIKE 'son%' OR email LIKE 'son%'`,
      );
      expect(new Set(items.map((i) => i.id))).toEqual(new Set(expected.rows.map((r) => r.id)));
      expect(items.length).toBe(expected.rows.length);
    });
  });

  describe('work per search', () => {
    it('does not run a segment once the segments before it have filled the page', async () => {
      // "Zzq…": five name-prefix matches whose emails also start with "zzq", so the email
      // segment would walk all five only to exclude them as name matches.
      for (let i = 1; i <= 5; i += 1)
        await addCustomer(`cus_z${i}`, `C-910000${i}`, `Zzq${i}`, 'Person', `zzq${i}@fixture.test`);
      const { db: recording, statements } = recordingQueryable(shop.ctx.db);
      const gate = accessGate({ db: shop.ctx.db, clock: shop.clock }, `Bearer ${token}`, ['customers.read']);
      const page = await searchCustomers(recording, { q: 'zzq', limit: 3 }, shop.clock.now(), gate);
      expect(page.items.map((i) => i.id)).toEqual(['cus_z1', 'cus_z2', 'cus_z3']);
      expect(page.nextCursor).not.toBeNull();
      expect(statements).toHaveLength(1);
      const [statement] = statements;
      const scans = (await analyzedPlanNodes(shop.ctx.db, statement!)).filter((n) => n['Index Name']);
      expect(
        scans.filter((n) => n['Index Name'] === 'customers_name_key').some((n) => (n['Actual Loops'] ?? 0) > 0),
      ).toBe(true);
      const email = scans.filter((n) => n['Index Name'] === 'customers_email_prefix');
      expect(email.length).toBeGreaterThan(0);
      expect(email.every((n) => n['Actual Loops'] === 0)).toBe(true);
      // The next pages still find the rest, each customer once.
      expect((await searchAll({ q: 'zzq', limit: 3 })).map((i) => i.id)).toEqual([
        'cus_z1',
        'cus_z2',
        'cus_z3',
        'cus_z4',
        'cus_z5',
      ]);
      await shop.ctx.db.query(`DELETE FROM customers WHERE id LIKE 'cus_z_'`);
    });
  });

  describe('pagination', () => {
    it('walks every customer by name without duplicates or gaps', async () => {
      const items = await searchAll({ limit: 37 });
      const ids = items.map((i) => i.id);
      expect(new Set(ids).size).toBe(ids.length);
      const all = await shop.ctx.db.query<{ id: string }>('SELECT id FROM customers');
      expect(new Set(ids)).toEqual(new Set(all.rows.map((r) => r.id)));
      expect(items.every((i) => i.match === null)).toBe(true);
      const names = items.map((i) => i.name.toLowerCase());
      expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    });

    it('ends with nextCursor null when everything fits', async () => {
      const result = await search({ q: JANE.email });
      expect(result.nextCursor).toBeNull();
    });

    it('refuses cursors it did not issue for this query', async () => {
      const first = await search({ q: 'a', limit: 2 });
      expect(first.nextCursor).not.toBeNull();
      for (const cursor of [
        'not-a-cursor',
        'eyJmIjoiMTIzNDU2Nzg5MDEyIiwicyI6Im5vcGUiLCJ2IjoiIiwiaSI6ImN1c18xIn0',
        '!!!!',
      ]) {
        const result = await get(`/customers?q=a&cursor=${encodeURIComponent(cursor)}`);
        expect(result.status, cursor).toBe(400);
      }
      const other = await get(`/customers?q=b&cursor=${first.nextCursor!}`);
      expect(other.status).toBe(400);
      expect(errorCode(other)).toBe('bad_request');
    });

    it('refuses limits outside 1..100', async () => {
      for (const limit of ['0', '101', 'ten', '2.5']) {
        const result = await get(`/customers?limit=${limit}`);
        expect(result.status, limit).toBe(400);
        expect(errorCode(result)).toBe('validation_failed');
      }
    });
  });

  describe('filters', () => {
    it('filters by store', async () => {
      const eu = await searchAll({ storeId: 'sto_eu', limit: 50 });
      expect(eu.every((i) => i.storeIds.includes('sto_eu'))).toBe(true);
      expect(eu.map((i) => i.id)).toContain(JANE.id);
      expect(eu.map((i) => i.id)).not.toContain(JOHN.id);
      const count = (await shop.ctx.db.query(`SELECT 1 FROM accounts WHERE store_id = 'sto_eu'`)).rows.length;
      expect(eu.length).toBe(count);
      expect((await search({ q: 'john doe', storeId: 'sto_eu' })).items).toEqual([]);
    });

    it('filters by consent, counting expired consent as not granted', async () => {
      const granted = await searchAll({ consent: 'granted', limit: 50 });
      expect(granted.every((i) => i.consent.status === 'granted')).toBe(true);
      expect(granted.map((i) => i.id)).toContain(JANE.id);
      expect(granted.map((i) => i.id)).toContain('cus_t1');
      const notGranted = await searchAll({ consent: 'not_granted', limit: 50 });
      expect(notGranted.every((i) => i.consent.status !== 'granted')).toBe(true);
      expect(notGranted.map((i) => i.id)).toContain(JOHN.id);
      expect(notGranted.some((i) => i.consent.status === 'expired')).toBe(true);
      const total = (await shop.ctx.db.query('SELECT 1 FROM customers')).rows.length;
      expect(granted.length + notGranted.length).toBe(total);
    });

    it('sees consent expire as the clock passes its end', async () => {
      shop.clock.advance(2 * HOUR);
      try {
        const result = await search({ q: 'ivy quill', consent: 'not_granted' });
        expect(result.items.find((i) => i.id === 'cus_t1')?.consent.status).toBe('expired');
        expect((await search({ q: 'ivy quill', consent: 'granted' })).items).toEqual([]);
      } finally {
        shop.clock.reset();
      }
    });

    it('shows consent and stores exactly as the customer record does', async () => {
      // The search formats consent in SQL, the detail from the row in JavaScript; cus_t1's times
      // come from now(), with microseconds that both must cut to the same millisecond.
      for (const [q, id] of [
        ['ivy quill', 'cus_t1'],
        ['jane', JANE.id],
        ['john', JOHN.id],
      ] as const) {
        const found = (await search({ q })).items.find((i) => i.id === id);
        const detail = Customer.parse((await get(`/customers/${id}`)).json);
        expect(found?.consent).toEqual(detail.consent);
        expect(found?.storeIds).toEqual(detail.accounts.map((a) => a.storeId).sort());
      }
    });

    it('combines a query with filters', async () => {
      const result = await search({ q: 'smith', storeId: 'sto_us', consent: 'granted' });
      expect(result.items.map((i) => i.id)).toContain(JANE.id);
      expect(result.items.every((i) => i.storeIds.includes('sto_us') && i.consent.status === 'granted')).toBe(true);
    });

    it('shows stores and consent as they change, whoever writes them', async () => {
      // Results read stores and consent copied onto the customer row; these writes go through the
      // customer's consent service and straight into accounts, and the search must follow both.
      const origin = { ip: '127.0.0.1', userAgent: 'account page' };
      const find = async (filters: Record<string, string> = {}) =>
        (await search({ q: 'percy@fixture.test', ...filters })).items.find((i) => i.id === 'cus_t4');
      expect(await find()).toMatchObject({ storeIds: ['sto_eu'], consent: { status: 'not_granted' } });

      await grantConsent(shop.ctx, 'cus_t4', '24h', origin);
      expect((await find())?.consent.status).toBe('granted');
      expect(await find({ consent: 'granted' })).toBeDefined();
      expect(await find({ consent: 'not_granted' })).toBeUndefined();
      await revokeConsent(shop.ctx, 'cus_t4', origin);
      expect((await find())?.consent.status).toBe('not_granted');
      expect(await find({ consent: 'granted' })).toBeUndefined();

      await shop.ctx.db.query(
        `INSERT INTO accounts (id, customer_id, store_id) VALUES ('acc_t4_us', 'cus_t4', 'sto_us')`,
      );
      expect((await find())?.storeIds).toEqual(['sto_eu', 'sto_us']);
      expect(await find({ storeId: 'sto_us' })).toBeDefined();
      await shop.ctx.db.query(`DELETE FROM accounts WHERE id = 'acc_t4_us'`);
      expect((await find())?.storeIds).toEqual(['sto_eu']);
      expect(await find({ storeId: 'sto_us' })).toBeUndefined();
    });

    it('refuses a bad consent value', async () => {
      expect((await get('/customers?consent=maybe')).status).toBe(400);
    });
  });

  describe('GET /customers/:id', () => {
    it('returns Jane with both accounts and consent until turned off', async () => {
      const result = await get(`/customers/${JANE.id}`);
      expect(result.status).toBe(200);
      const jane = Customer.parse(result.json);
      expect(jane).toMatchObject({ id: JANE.id, name: JANE.name, email: JANE.email, number: 'C-0000001' });
      expect(jane.accounts.map((a) => [a.storeId, a.storeCode])).toEqual([
        ['sto_eu', 'eu'],
        ['sto_us', 'us'],
      ]);
      expect(jane.consent.status).toBe('granted');
      expect(jane.consent.expiresAt).toBeNull();
    });

    it('returns John without consent and with a US account only', async () => {
      const john = Customer.parse((await get(`/customers/${JOHN.id}`)).json);
      expect(john.accounts.map((a) => a.storeId)).toEqual(['sto_us']);
      expect(john.consent).toEqual({ status: 'not_granted', grantedAt: null, expiresAt: null });
    });

    it('answers 404 customer_not_found for unknown and malformed ids', async () => {
      for (const id of [
        'cus_999999',
        encodeURIComponent('bad id!'),
        'x'.repeat(65),
        encodeURIComponent("' OR 1=1 --"),
      ]) {
        const result = await get(`/customers/${id}`);
        expect(result.status, id).toBe(404);
        expect(errorCode(result)).toBe('customer_not_found');
        const docs = await get(`/customers/${id}/documents`);
        expect(docs.status, id).toBe(404);
        expect(errorCode(docs)).toBe('customer_not_found');
      }
    });
  });

  describe('GET /customers/:id/documents', () => {
    it('lists documents newest first, filtered by type', async () => {
      const all = DocumentsResponse.parse((await get(`/customers/${JANE.id}/documents`)).json).items;
      expect(new Set(all.map((d) => d.type))).toEqual(new Set(['order', 'invoice', 'shipment', 'credit_memo']));
      const times = all.map((d) => d.createdAt);
      expect(times).toEqual([...times].sort().reverse());
      for (const type of ['order', 'invoice', 'shipment', 'credit_memo'] as const) {
        const items = DocumentsResponse.parse((await get(`/customers/${JANE.id}/documents?type=${type}`)).json).items;
        expect(items.length, type).toBeGreaterThan(0);
        expect(items.every((d) => d.type === type && d.customerId === JANE.id)).toBe(true);
        if (type === 'order') {
          expect(items).toHaveLength(5);
          expect(items.every((d) => d.orderId === null && d.orderNumber === null && /^O-\d{8}$/.test(d.number))).toBe(
            true,
          );
        } else {
          expect(items.every((d) => d.orderId !== null && /^O-\d{8}$/.test(d.orderNumber ?? ''))).toBe(true);
        }
      }
    });

    it('says who placed a document during an assisted session', async () => {
      const items = DocumentsResponse.parse((await get('/customers/cus_t1/documents?type=order')).json).items;
      expect(items).toHaveLength(1);
      expect(items[0]!.placedBy).toEqual({ staffId: 'stf_agent', staffName: 'Alex Agent', sessionId: 'ses_fixture' });
      const jane = DocumentsResponse.parse((await get(`/customers/${JANE.id}/documents`)).json).items;
      expect(jane.every((d) => d.placedBy === null)).toBe(true);
    });

    it('honours limit and refuses bad types and limits', async () => {
      const two = DocumentsResponse.parse((await get(`/customers/${JANE.id}/documents?limit=2`)).json).items;
      expect(two).toHaveLength(2);
      expect((await get(`/customers/${JANE.id}/documents?type=refund`)).status).toBe(400);
      expect((await get(`/customers/${JANE.id}/documents?limit=201`)).status).toBe(400);
    });
  });

  it('publishes the routes in the OpenAPI document', async () => {
    const result = await apiRequest(shop.url, 'GET', '/openapi.json');
    const paths = Object.keys((result.json as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/stores',
        '/api/v1/customers',
        '/api/v1/customers/{id}',
        '/api/v1/customers/{id}/documents',
      ]),
    );
  });
});
