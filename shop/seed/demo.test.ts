import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_SETTINGS } from '../../shared/api/settings';
import type { Database } from '../db/database';
import { describeBackends, freshDatabase } from '../test/harness';
import { CATALOG } from './catalog';
import { DEMO_CUSTOMER_COUNT, JANE, JOHN, seedDemo } from './demo';
import { DEMO_STAFF } from './staff';

const fixedClock = { now: () => new Date('2026-11-20T10:00:00Z') };

/** Every demo row, except password hashes (argon2 salts are random by design). */
async function snapshot(db: Database): Promise<Record<string, unknown[]>> {
  const tables: Record<string, string> = {
    stores: 'SELECT * FROM stores ORDER BY id',
    products: 'SELECT * FROM products ORDER BY id',
    staff: 'SELECT id, email, name, role, totp_secret FROM staff ORDER BY id',
    customers:
      'SELECT id, number, first_name, last_name, name, email, phone, phone_digits, created_at FROM customers ORDER BY id',
    accounts: 'SELECT * FROM accounts ORDER BY id',
    consents: 'SELECT * FROM consents ORDER BY customer_id',
    documents: 'SELECT * FROM documents ORDER BY id',
    settings: 'SELECT value FROM shop_settings',
  };
  const out: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(tables)) out[name] = (await db.query(sql)).rows;
  return out;
}

describeBackends('demo seed', (backend) => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase(backend);
    await seedDemo(db, fixedClock);
  });
  afterAll(async () => {
    await db.close();
  });

  it('gives identical data in two fresh databases', async () => {
    const other = await freshDatabase(backend);
    try {
      await seedDemo(other, fixedClock);
      expect(await snapshot(other)).toEqual(await snapshot(db));
    } finally {
      await other.close();
    }
  });

  it('does nothing the second time', async () => {
    const before = await snapshot(db);
    await seedDemo(db, fixedClock);
    expect(await snapshot(db)).toEqual(before);
  });

  it('loads staff, two stores, the catalog and the default settings', async () => {
    const data = await snapshot(db);
    expect(data.staff!.map((s) => (s as { email: string }).email).sort()).toEqual(
      DEMO_STAFF.map((s) => s.email).sort(),
    );
    expect(data.stores).toEqual([
      {
        id: 'sto_eu',
        code: 'eu',
        name: 'Concierge Demo EU',
        path_prefix: '/store/eu',
        currency: 'EUR',
        locale: 'en-IE',
      },
      {
        id: 'sto_us',
        code: 'us',
        name: 'Concierge Demo US',
        path_prefix: '/store/us',
        currency: 'USD',
        locale: 'en-US',
      },
    ]);
    expect(data.products).toHaveLength(CATALOG.length);
    expect(new Set(CATALOG.map((p) => p.category)).size).toBe(4);
    expect(data.settings).toEqual([{ value: DEFAULT_SETTINGS }]);
  });

  it('has a few hundred customers with documents numbered by type', async () => {
    expect((await db.query('SELECT 1 FROM customers')).rows).toHaveLength(DEMO_CUSTOMER_COUNT);
    const docs = await db.query<{ type: string; number: string; data: Record<string, unknown> }>(
      'SELECT type, number, data FROM documents',
    );
    const pattern = {
      order: /^O-\d{8}$/,
      invoice: /^I-\d{8}$/,
      shipment: /^S-\d{8}$/,
      credit_memo: /^CM-\d{8}$/,
    } as Record<string, RegExp>;
    for (const d of docs.rows) expect(d.number).toMatch(pattern[d.type]!);
    for (const type of Object.keys(pattern))
      expect(docs.rows.filter((d) => d.type === type).length, type).toBeGreaterThan(10);
    const order = docs.rows.find((d) => d.type === 'order')!;
    const OrderData = z.object({
      lines: z
        .array(
          z
            .object({
              productId: z.string().regex(/^prd_/),
              sku: z.string(),
              name: z.string(),
              qty: z.number().int().positive(),
              unitPriceCents: z.number().int().positive(),
            })
            .strict(),
        )
        .min(1),
      shippingAddress: z.object({
        name: z.string(),
        line1: z.string(),
        city: z.string(),
        postcode: z.string(),
        country: z.string(),
      }),
      shippingMethod: z.object({ code: z.string(), name: z.string(), priceCents: z.number().int() }),
    });
    expect(OrderData.safeParse(order.data).success).toBe(true);
    const shipment = docs.rows.find((d) => d.type === 'shipment')!;
    expect(
      z.object({ tracking: z.object({ carrier: z.string(), number: z.string().min(8) }) }).safeParse(shipment.data)
        .success,
    ).toBe(true);
  });

  it('has Jane: consent until turned off, both stores, orders with every document type', async () => {
    const consent = await db.query('SELECT granted, expires_at FROM consents WHERE customer_id = $1', [JANE.id]);
    expect(consent.rows).toEqual([{ granted: true, expires_at: null }]);
    const accounts = await db.query<{ store_id: string }>(
      'SELECT store_id FROM accounts WHERE customer_id = $1 ORDER BY store_id',
      [JANE.id],
    );
    expect(accounts.rows.map((a) => a.store_id)).toEqual(['sto_eu', 'sto_us']);
    const types = await db.query<{ type: string; n: number }>(
      'SELECT type, count(*)::int AS n FROM documents WHERE customer_id = $1 GROUP BY type',
      [JANE.id],
    );
    const count = Object.fromEntries(types.rows.map((r) => [r.type, r.n]));
    expect(count.order).toBe(5);
    expect(count.invoice).toBeGreaterThanOrEqual(3);
    expect(count.shipment).toBeGreaterThanOrEqual(2);
    expect(count.credit_memo).toBeGreaterThanOrEqual(1);
    const email = await db.query('SELECT name, email FROM customers WHERE id = $1', [JANE.id]);
    expect(email.rows).toEqual([{ name: 'Jane Smith', email: 'jane@example.com' }]);
  });

  it('has John: no consent, a US account only', async () => {
    expect((await db.query('SELECT 1 FROM consents WHERE customer_id = $1', [JOHN.id])).rows).toEqual([]);
    const accounts = await db.query<{ store_id: string }>('SELECT store_id FROM accounts WHERE customer_id = $1', [
      JOHN.id,
    ]);
    expect(accounts.rows.map((a) => a.store_id)).toEqual(['sto_us']);
    expect((await db.query('SELECT email FROM customers WHERE id = $1', [JOHN.id])).rows).toEqual([
      { email: 'john@example.com' },
    ]);
  });

  it('gives every demo customer the same argon2id password hash', async () => {
    const hashes = await db.query<{ password_hash: string }>('SELECT DISTINCT password_hash FROM customers');
    expect(hashes.rows).toHaveLength(1);
    expect(hashes.rows[0]!.password_hash).toMatch(/^\$argon2id\$/);
  });
});
