import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { searchCustomers } from '../customers/search';
import { describeBackends, freshDatabase } from '../test/harness';
import { scaleCustomerId, seedScale } from './scale';

const N = 1200;

describeBackends('scale seed', (backend) => {
  let db: Database;
  const progress: number[] = [];
  beforeAll(async () => {
    db = await freshDatabase(backend);
    const result = await seedScale(db, { customers: N, batchSize: 500, onProgress: (p) => progress.push(p.done) });
    expect(result.inserted).toBe(N);
  });
  afterAll(async () => {
    await db.close();
  });

  const count = async (sql: string) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`)).rows[0]!.n;

  it('creates N customers, each with an account, about two orders and follow-up documents', async () => {
    expect(progress).toEqual([500, 1000, 1200]);
    expect(await count('customers')).toBe(N);
    expect(await count('customers c WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.customer_id = c.id)')).toBe(0);
    const orders = await count(`documents WHERE type = 'order'`);
    expect(orders).toBeGreaterThan(N * 1.7);
    expect(orders).toBeLessThan(N * 2.3);
    expect(await count(`documents WHERE type = 'invoice'`)).toBe(N);
    expect(await count(`documents WHERE type = 'shipment'`)).toBeGreaterThan(N * 0.3);
    expect(
      await count(
        `documents d WHERE d.type <> 'order' AND NOT EXISTS (SELECT 1 FROM documents o WHERE o.id = d.order_id AND o.customer_id = d.customer_id)`,
      ),
    ).toBe(0);
    expect(
      await count(
        `documents d JOIN accounts a ON a.id = d.account_id WHERE a.customer_id <> d.customer_id OR a.store_id <> d.store_id`,
      ),
    ).toBe(0);
  });

  it('draws names so common ones are common and rare ones rare', async () => {
    const names = await db.query<{ last_name: string; n: number }>(
      'SELECT last_name, count(*)::int AS n FROM customers GROUP BY 1 ORDER BY 2 DESC, 1',
    );
    expect(names.rows[0]!.last_name).toBe('Smith');
    expect(names.rows.length).toBeGreaterThan(150);
    expect(names.rows[0]!.n).toBeLessThan(N * 0.05);
  });

  it('is deterministic and resumable: a second run adds nothing', async () => {
    const before = await db.query('SELECT id, name, email, phone FROM customers ORDER BY id LIMIT 5');
    expect((await seedScale(db, { customers: N, batchSize: 500 })).inserted).toBe(0);
    expect((await seedScale(db, { customers: N + 100, batchSize: 500 })).inserted).toBe(100);
    expect(await count('customers')).toBe(N + 100);
    expect((await db.query('SELECT id, name, email, phone FROM customers ORDER BY id LIMIT 5')).rows).toEqual(
      before.rows,
    );
    expect(before.rows[0]).toMatchObject({ id: scaleCustomerId(1) });
  });

  it('is searchable', async () => {
    const smiths = await searchCustomers(db, { q: 'smith', limit: 10 }, new Date(), 'checked by caller');
    expect(smiths.items).toHaveLength(10);
    expect(smiths.items.every((i) => i.name.toLowerCase().includes('smith'))).toBe(true);
    const order = await searchCustomers(db, { q: 'O-10000001', limit: 10 }, new Date(), 'checked by caller');
    expect(order.items.map((i) => i.id)).toEqual([scaleCustomerId(1)]);
  });
});
