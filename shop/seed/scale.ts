import type { Database } from '../db/database';
import { CATALOG } from './catalog';
import { FIRST_NAMES, LAST_NAMES } from './names';
import { hashPassword } from './staff';
import { DEMO_CUSTOMER_PASSWORD } from './demo';
import { seedStores } from './stores';

export interface ScaleOptions {
  /** How many customers to have in the scale set (default one million). */
  customers?: number;
  /** Customers per transaction; each batch is all-or-nothing, so an interrupted seed resumes. */
  batchSize?: number;
  onProgress?: (progress: { done: number; total: number; skipped: boolean }) => void;
}

export const DEFAULT_SCALE_CUSTOMERS = 1_000_000;

/** Id of the i-th (1-based) scale customer: scale data lives beside the demo data, never on top of it. */
export const scaleCustomerId = (i: number) => `cus_s${String(i).padStart(7, '0')}`;

// Per-customer pseudo-random numbers from the customer's index, in SQL: a and b are uniform in
// [0, 2^32). Integer arithmetic only, kept under 2^63, so PGlite and PostgreSQL agree exactly.
const MIX = `
  WITH g AS (SELECT i, (i * 2654435761 + 97) % 4294967296 AS h FROM generate_series($1::bigint, $2::bigint) AS i),
  m AS (
    SELECT i, ((h # (h >> 15)) * 1597334677) % 4294967296 AS a, ((h # (h >> 13)) * 1664525 + 1013904223) % 4294967296 AS b FROM g
  )`;

// Skewed picks (index ~ n·u^1.3) give common names many customers and rare names few.
const pickSkewed = (array: string, u: string) =>
  `(${array})[1 + floor(array_length(${array}, 1) * power(${u} / 4294967296.0, 1.3))::int]`;

const CUSTOMERS_SQL = `${MIX},
  n AS (SELECT i, a, b, ${pickSkewed('$3::text[]', 'a')} AS first_name, ${pickSkewed('$4::text[]', 'b')} AS last_name FROM m),
  p AS (
    SELECT n.*, CASE
      WHEN b % 10 = 0 THEN NULL
      WHEN a % 10 IN (7, 8) THEN '+353 8' || (3 + b % 7) || ' ' || lpad((a % 1000)::text, 3, '0') || ' ' || lpad((i % 10000)::text, 4, '0')
      ELSE '+1 (' || (201 + a % 788) || ') ' || (200 + b % 800) || '-' || lpad((i % 10000)::text, 4, '0')
    END AS phone FROM n
  )
  INSERT INTO customers (id, number, first_name, last_name, name, email, phone, phone_digits, password_hash, created_at)
  SELECT 'cus_s' || lpad(i::text, 7, '0'), 'C-' || lpad((1000000 + i)::text, 7, '0'), first_name, last_name, first_name || ' ' || last_name,
    lower(first_name || '.' || last_name) || i || '@example.net', phone, regexp_replace(phone, '\\D', '', 'g'), $5,
    timestamptz '2024-01-01 00:00:00+00' + (a % 700) * interval '1 day' + (b % 86400) * interval '1 second'
  FROM p`;

// 70 % US only, 20 % EU only, 10 % both (a % 10: 0–6 US, 7–8 EU, 9 both).
const ACCOUNTS_SQL = `${MIX}
  INSERT INTO accounts (id, customer_id, store_id, created_at)
  SELECT 'acc_s' || lpad(i::text, 7, '0') || '_' || s.code, 'cus_s' || lpad(i::text, 7, '0'), s.id,
    timestamptz '2024-01-01 00:00:00+00' + (a % 700) * interval '1 day'
  FROM m JOIN stores s ON (s.code = 'us' AND a % 10 NOT IN (7, 8)) OR (s.code = 'eu' AND a % 10 IN (7, 8, 9))`;

// 30 % have consented: most until turned off, some until 2030, some with a consent that ran out.
const CONSENTS_SQL = `${MIX}
  INSERT INTO consents (customer_id, granted, granted_at, expires_at, updated_at)
  SELECT 'cus_s' || lpad(i::text, 7, '0'), true, timestamptz '2025-06-01 00:00:00+00',
    CASE b % 10 WHEN 1 THEN timestamptz '2030-01-01 00:00:00+00' WHEN 2 THEN timestamptz '2025-06-08 00:00:00+00' END,
    timestamptz '2025-06-01 00:00:00+00'
  FROM m WHERE b % 10 < 3`;

// One to three orders (two on average) in the customer's first store; lines come from the catalog.
const ORDERS_SQL = `${MIX},
  o AS (
    SELECT i, a, b, k, CASE WHEN a % 10 IN (7, 8) THEN 'eu' ELSE 'us' END AS code
    FROM m CROSS JOIN LATERAL generate_series(1, 1 + (a % 3)::int) AS k
  )
  INSERT INTO documents (id, type, number, customer_id, account_id, store_id, order_id, status, total_cents, currency, created_at, data)
  SELECT 'ord_s' || lpad(((i - 1) * 3 + k)::text, 8, '0'), 'order', 'O-' || (10000000 + (i - 1) * 3 + k),
    'cus_s' || lpad(i::text, 7, '0'), 'acc_s' || lpad(i::text, 7, '0') || '_' || o.code, s.id, NULL,
    CASE WHEN k = 1 THEN 'complete' ELSE 'pending' END,
    (prices.cents * (1 + k % 2))::bigint, s.currency,
    timestamptz '2025-01-01 00:00:00+00' + ((a + k * 7919) % 300) * interval '1 day',
    jsonb_build_object('lines', jsonb_build_array(jsonb_build_object(
      'productId', ($3::text[])[pi], 'sku', ($4::text[])[pi], 'name', ($5::text[])[pi], 'qty', 1 + k % 2, 'unitPriceCents', prices.cents)))
  FROM o
  JOIN stores s ON s.code = o.code
  CROSS JOIN LATERAL (SELECT (1 + (b + k) % array_length($3::text[], 1))::int AS pi) AS pick
  CROSS JOIN LATERAL (SELECT CASE WHEN s.currency = 'EUR' THEN ($7::int[])[pi] ELSE ($6::int[])[pi] END AS cents) AS prices`;

// Every first order is invoiced; half are shipped; one in fifty has a credit memo.
const FOLLOW_UPS_SQL = `${MIX},
  f AS (
    SELECT m.i, m.a, t.type, t.prefix, t.id_prefix FROM m
    CROSS JOIN (VALUES ('invoice', 'I-', 'inv_s'), ('shipment', 'S-', 'shp_s'), ('credit_memo', 'CM-', 'crm_s')) AS t(type, prefix, id_prefix)
    WHERE t.type = 'invoice' OR (t.type = 'shipment' AND m.a % 2 = 0) OR (t.type = 'credit_memo' AND m.a % 50 = 0)
  )
  INSERT INTO documents (id, type, number, customer_id, account_id, store_id, order_id, status, total_cents, currency, created_at, data)
  SELECT f.id_prefix || lpad(f.i::text, 8, '0'), f.type, f.prefix || (10000000 + f.i), d.customer_id, d.account_id, d.store_id, d.id,
    CASE f.type WHEN 'invoice' THEN 'paid' WHEN 'shipment' THEN 'shipped' ELSE 'refunded' END,
    CASE f.type WHEN 'shipment' THEN 0 ELSE d.total_cents END, d.currency,
    d.created_at + CASE f.type WHEN 'invoice' THEN interval '1 hour' WHEN 'shipment' THEN interval '2 days' ELSE interval '10 days' END,
    CASE f.type WHEN 'shipment' THEN jsonb_build_object('tracking', jsonb_build_object('carrier', 'UPS', 'number', '1Z' || lpad(f.i::text, 12, '0'))) ELSE '{}'::jsonb END
  FROM f JOIN documents d ON d.id = 'ord_s' || lpad(((f.i - 1) * 3 + 1)::text, 8, '0')`;

/**
 * Adds `customers` generated customers (ids `cus_s0000001`…) with accounts, consent, orders,
 * invoices, shipments and credit memos, in set-based batches. Deterministic; customers already
 * present are kept, so running it again (or after an interruption) only adds what is missing.
 */
export async function seedScale(db: Database, options: ScaleOptions = {}): Promise<{ inserted: number }> {
  const total = options.customers ?? DEFAULT_SCALE_CUSTOMERS;
  const batchSize = options.batchSize ?? 50_000;
  if (!Number.isInteger(total) || total < 0) throw new Error('customers must be a whole number ≥ 0');
  await seedStores(db);
  const passwordHash = await hashPassword(DEMO_CUSTOMER_PASSWORD);
  const products = {
    ids: CATALOG.map((p) => p.id),
    skus: CATALOG.map((p) => p.sku),
    names: CATALOG.map((p) => p.name),
    usd: CATALOG.map((p) => p.prices.USD),
    eur: CATALOG.map((p) => p.prices.EUR),
  };
  // Batches commit in order, all or nothing, so the scale customers present are always 1..k.
  // (The shape test keeps out random ids such as `cus_sQ3…` of customers who registered.)
  const present =
    (
      await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM customers WHERE id >= 'cus_s' AND id < 'cus_t' AND id ~ '^cus_s[0-9]{7}$'`,
      )
    ).rows[0]?.n ?? 0;
  if (present > 0) options.onProgress?.({ done: Math.min(present, total), total, skipped: true });
  let inserted = 0;
  for (let start = present + 1; start <= total; start += batchSize) {
    const end = Math.min(total, start + batchSize - 1);
    await db.transaction(async (tx) => {
      await tx.query(CUSTOMERS_SQL, [start, end, FIRST_NAMES, LAST_NAMES, passwordHash]);
      await tx.query(ACCOUNTS_SQL, [start, end]);
      await tx.query(CONSENTS_SQL, [start, end]);
      await tx.query(ORDERS_SQL, [start, end, products.ids, products.skus, products.names, products.usd, products.eur]);
      await tx.query(FOLLOW_UPS_SQL, [start, end]);
    });
    inserted += end - start + 1;
    options.onProgress?.({ done: end, total, skipped: false });
  }
  // Fresh statistics, so the planner sees a million customers rather than an empty table.
  if (inserted > 0) await db.exec('ANALYZE customers; ANALYZE accounts; ANALYZE consents; ANALYZE documents');
  return { inserted };
}
