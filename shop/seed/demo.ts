import { DEFAULT_SETTINGS } from '../../shared/api/settings';
import type { Database, Queryable } from '../db/database';
import type { Clock } from '../lib/clock';
import { CATALOG, seedCatalog, type CatalogProduct } from './catalog';
import { FIRST_NAMES, LAST_NAMES } from './names';
import { seededRandom, type SeededRandom } from './random';
import { hashPassword, seedStaff } from './staff';
import { DEMO_STORES, seedStores } from './stores';

export const DEMO_CUSTOMER_PASSWORD = 'customer-demo';
export const DEMO_CUSTOMER_COUNT = 300;
export const JANE = { id: 'cus_000001', email: 'jane@example.com', name: 'Jane Smith' } as const;
export const JOHN = { id: 'cus_000002', email: 'john@example.com', name: 'John Doe' } as const;

const SEED = 20_260_101;
const DAY = 86_400_000;
const HOUR = 3_600_000;

type StoreId = (typeof DEMO_STORES)[number]['id'];
const storeById = (id: StoreId) => {
  const store = DEMO_STORES.find((s) => s.id === id);
  if (!store) throw new Error(`unknown demo store ${id}`);
  return store;
};

export interface DemoCustomer {
  id: string;
  number: string;
  first_name: string;
  last_name: string;
  name: string;
  email: string;
  phone: string | null;
  phone_digits: string | null;
  created_at: string;
}
interface DemoAccount {
  id: string;
  customer_id: string;
  store_id: StoreId;
  created_at: string;
}
interface DemoConsent {
  customer_id: string;
  granted: boolean;
  granted_at: string | null;
  expires_at: string | null;
  updated_at: string;
}
interface DemoDocument {
  id: string;
  type: 'order' | 'invoice' | 'shipment' | 'credit_memo';
  number: string;
  customer_id: string;
  account_id: string;
  store_id: StoreId;
  order_id: string | null;
  status: string;
  total_cents: number;
  currency: string;
  created_at: string;
  data: Record<string, unknown>;
}

export interface DemoData {
  customers: DemoCustomer[];
  accounts: DemoAccount[];
  consents: DemoConsent[];
  documents: DemoDocument[];
}

export const phoneDigits = (phone: string) => phone.replace(/\D/g, '');

const STREETS = [
  'Main St',
  'Oak Ave',
  'Maple Dr',
  'Cedar Ln',
  'Park Rd',
  'Elm St',
  'Harbour Rd',
  'Station Rd',
  'Church St',
  'Mill Lane',
];
const US_CITIES = [
  ['Portland', 'OR', '97205'],
  ['Austin', 'TX', '78701'],
  ['Denver', 'CO', '80202'],
  ['Boston', 'MA', '02108'],
  ['Chicago', 'IL', '60601'],
] as const;
const EU_CITIES = [
  ['Dublin', 'D02 X285', 'IE'],
  ['Cork', 'T12 K8AF', 'IE'],
  ['Berlin', '10115', 'DE'],
  ['Paris', '75002', 'FR'],
  ['Milan', '20121', 'IT'],
] as const;
const SHIPPING: Record<'USD' | 'EUR', readonly { code: string; name: string; priceCents: number }[]> = {
  USD: [
    { code: 'standard', name: 'Standard (3–5 days)', priceCents: 599 },
    { code: 'express', name: 'Express (1–2 days)', priceCents: 1499 },
  ],
  EUR: [
    { code: 'standard', name: 'Standard (3–6 days)', priceCents: 499 },
    { code: 'express', name: 'Express (1–2 days)', priceCents: 1299 },
  ],
};
const CARRIERS = { USD: 'UPS', EUR: 'DHL' } as const;
const ORDER_STATUSES = ['complete', 'complete', 'complete', 'processing', 'pending', 'canceled'] as const;

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Generates the demo customers and their documents. Pure: the same `now` (truncated to the day)
 * gives the same data, so two fresh databases seeded on the same day hold identical rows.
 */
export function generateDemoData(now: Date): DemoData {
  const rnd = seededRandom(SEED);
  const base = Math.floor(now.getTime() / DAY) * DAY;
  const data: DemoData = { customers: [], accounts: [], consents: [], documents: [] };
  const counters = { order: 0, invoice: 0, shipment: 0, credit_memo: 0 };

  for (let i = 1; i <= DEMO_CUSTOMER_COUNT; i++) {
    const id = `cus_${pad(i, 6)}`;
    const special = i === 1 ? JANE : i === 2 ? JOHN : null;
    const first = special ? (special.name.split(' ')[0] ?? '') : rnd.pickSkewed(FIRST_NAMES);
    const last = special ? (special.name.split(' ')[1] ?? '') : rnd.pickSkewed(LAST_NAMES);
    const email = special ? special.email : `${first}.${last}${i}@example.org`.toLowerCase();
    const stores: StoreId[] = special === JANE ? ['sto_us', 'sto_eu'] : special === JOHN ? ['sto_us'] : pickStores(rnd);
    const phone =
      special === JANE
        ? '+1 (555) 010-2233'
        : special === JOHN
          ? '+1 (555) 010-4477'
          : rnd.chance(0.9)
            ? randomPhone(rnd, stores[0] ?? 'sto_us')
            : null;
    const createdAt = base - rnd.int(200, 900) * DAY - rnd.int(0, 23) * HOUR;
    data.customers.push({
      id,
      number: `C-${pad(i, 7)}`,
      first_name: first,
      last_name: last,
      name: `${first} ${last}`,
      email,
      phone,
      phone_digits: phone ? phoneDigits(phone) : null,
      created_at: iso(createdAt),
    });

    const consent = demoConsent(rnd, special, id, base);
    if (consent) data.consents.push(consent);

    for (const storeId of stores) {
      const accountId = `acc_${pad(i, 6)}_${storeById(storeId).code}`;
      const accountCreated = createdAt + rnd.int(0, 30) * DAY;
      data.accounts.push({ id: accountId, customer_id: id, store_id: storeId, created_at: iso(accountCreated) });
      const orderCount = special === JANE ? (storeId === 'sto_us' ? 3 : 2) : special === JOHN ? 1 : rnd.int(0, 4);
      for (let o = 0; o < orderCount; o++) {
        const placedAt =
          accountCreated +
          rnd.int(1, Math.max(2, Math.floor((base - accountCreated) / DAY) - 20)) * DAY +
          rnd.int(8, 20) * HOUR;
        // Jane's first US order is complete and refunded in part, so every document type exists for her.
        const status =
          special === JANE
            ? o === 0
              ? 'closed'
              : o === 1
                ? 'processing'
                : 'complete'
            : special === JOHN
              ? 'complete'
              : rnd.pick(ORDER_STATUSES);
        const forceCreditMemo = special === JANE && storeId === 'sto_us' && o === 0;
        addOrder(data, rnd, counters, {
          customerId: id,
          accountId,
          storeId,
          name: `${first} ${last}`,
          placedAt,
          status,
          forceCreditMemo,
          now: base,
        });
      }
    }
  }
  return data;
}

function pickStores(rnd: SeededRandom): StoreId[] {
  const u = rnd.next();
  if (u < 0.7) return ['sto_us'];
  if (u < 0.9) return ['sto_eu'];
  return ['sto_us', 'sto_eu'];
}

function randomPhone(rnd: SeededRandom, storeId: StoreId): string {
  if (storeId === 'sto_eu') return `+353 8${rnd.int(3, 9)} ${pad(rnd.int(0, 999), 3)} ${pad(rnd.int(0, 9999), 4)}`;
  return `+1 (${rnd.int(201, 989)}) ${pad(rnd.int(200, 999), 3)}-${pad(rnd.int(0, 9999), 4)}`;
}

function demoConsent(
  rnd: SeededRandom,
  special: typeof JANE | typeof JOHN | null,
  customerId: string,
  base: number,
): DemoConsent | null {
  if (special === JANE)
    return {
      customer_id: customerId,
      granted: true,
      granted_at: iso(base - 20 * DAY),
      expires_at: null,
      updated_at: iso(base - 20 * DAY),
    };
  if (special === JOHN) return null;
  const u = rnd.next();
  const grantedAt = base - rnd.int(1, 60) * DAY;
  if (u < 0.2)
    return {
      customer_id: customerId,
      granted: true,
      granted_at: iso(grantedAt),
      expires_at: null,
      updated_at: iso(grantedAt),
    };
  // Granted for 7 days, some still running and some run out.
  if (u < 0.3)
    return {
      customer_id: customerId,
      granted: true,
      granted_at: iso(grantedAt),
      expires_at: iso(grantedAt + 7 * DAY),
      updated_at: iso(grantedAt),
    };
  if (u < 0.35)
    return {
      customer_id: customerId,
      granted: false,
      granted_at: iso(grantedAt),
      expires_at: null,
      updated_at: iso(grantedAt + DAY),
    };
  return null;
}

interface OrderSpec {
  customerId: string;
  accountId: string;
  storeId: StoreId;
  name: string;
  placedAt: number;
  status: string;
  forceCreditMemo: boolean;
  now: number;
}

type Currency = keyof typeof SHIPPING;
type DocumentType = DemoDocument['type'];

interface OrderLine {
  productId: string;
  sku: string;
  name: string;
  qty: number;
  unitPriceCents: number;
}

/** What an order holds, drawn once and repeated on its invoice, shipment and credit memo. */
interface OrderContents {
  lines: OrderLine[];
  subtotal: number;
  method: (typeof SHIPPING)[Currency][number];
  total: number;
  address: Record<string, string | null>;
}

/** Id and number prefixes per document type: `ord_000001`, `O-00000001`. */
const DOCUMENT_PREFIXES: Record<DocumentType, { id: string; number: string }> = {
  order: { id: 'ord', number: 'O' },
  invoice: { id: 'inv', number: 'I' },
  shipment: { id: 'shp', number: 'S' },
  credit_memo: { id: 'crm', number: 'CM' },
};

// The draws below run in a fixed order: the seeded PRNG makes the same day give the same data.
function orderLines(rnd: SeededRandom, currency: Currency): OrderLine[] {
  const lineCount = rnd.int(1, 3);
  const products: CatalogProduct[] = [];
  while (products.length < lineCount) {
    const p = rnd.pick(CATALOG);
    if (!products.includes(p)) products.push(p);
  }
  return products.map((p) => ({
    productId: p.id,
    sku: p.sku,
    name: p.name,
    qty: rnd.int(1, 3),
    unitPriceCents: p.prices[currency],
  }));
}

function shippingAddress(rnd: SeededRandom, currency: Currency, name: string): Record<string, string | null> {
  if (currency === 'USD') {
    const [city, region, postcode] = rnd.pick(US_CITIES);
    return { name, line1: `${rnd.int(1, 999)} ${rnd.pick(STREETS)}`, city, region, postcode, country: 'US' };
  }
  const [city, postcode, country] = rnd.pick(EU_CITIES);
  return { name, line1: `${rnd.int(1, 99)} ${rnd.pick(STREETS)}`, city, region: null, postcode, country };
}

function orderContents(rnd: SeededRandom, currency: Currency, name: string): OrderContents {
  const lines = orderLines(rnd, currency);
  const subtotal = lines.reduce((sum, l) => sum + l.qty * l.unitPriceCents, 0);
  const method = rnd.pick(SHIPPING[currency]);
  const address = shippingAddress(rnd, currency, name);
  return { lines, subtotal, method, total: subtotal + method.priceCents, address };
}

type DocumentFields = Omit<
  DemoDocument,
  'customer_id' | 'account_id' | 'store_id' | 'currency' | 'id' | 'type' | 'number'
>;

/**
 * Adds an order and, as far as its status goes, its invoice (unless pending or canceled), its
 * shipment (unless processing too) and sometimes a credit memo.
 */
function addOrder(data: DemoData, rnd: SeededRandom, counters: Record<DocumentType, number>, spec: OrderSpec): void {
  const currency = storeById(spec.storeId).currency;
  const contents = orderContents(rnd, currency, spec.name);
  const common = { customer_id: spec.customerId, account_id: spec.accountId, store_id: spec.storeId, currency };
  /** Numbers the next document of `type` and adds it; `fields` may use its sequence number. */
  const add = (type: DocumentType, fields: (seq: number) => DocumentFields): string => {
    counters[type] += 1;
    const seq = counters[type];
    const prefix = DOCUMENT_PREFIXES[type];
    const id = `${prefix.id}_${pad(seq, 6)}`;
    data.documents.push({ ...common, id, type, number: `${prefix.number}-${pad(seq, 8)}`, ...fields(seq) });
    return id;
  };

  const orderId = add('order', () => orderFields(spec, contents));
  if (spec.status === 'pending' || spec.status === 'canceled') return;
  const invoiceAt = spec.placedAt + HOUR;
  add('invoice', () => invoiceFields(orderId, invoiceAt, currency, contents));
  if (spec.status === 'processing') return;
  const shippedAt = Math.min(spec.now, invoiceAt + rnd.int(1, 3) * DAY);
  add('shipment', (seq) => shipmentFields(rnd, orderId, shippedAt, currency, seq, contents));
  if (spec.forceCreditMemo || spec.status === 'closed' || rnd.chance(0.08)) {
    const refundedAt = Math.min(spec.now, shippedAt + rnd.int(3, 14) * DAY);
    add('credit_memo', () => creditMemoFields(rnd, orderId, refundedAt, contents));
  }
}

function orderFields(spec: OrderSpec, c: OrderContents): DocumentFields {
  return {
    order_id: null,
    status: spec.status,
    total_cents: c.total,
    created_at: iso(spec.placedAt),
    data: {
      lines: c.lines,
      subtotalCents: c.subtotal,
      shippingCents: c.method.priceCents,
      shippingAddress: c.address,
      shippingMethod: c.method,
    },
  };
}

function invoiceFields(orderId: string, at: number, currency: Currency, c: OrderContents): DocumentFields {
  return {
    order_id: orderId,
    status: 'paid',
    total_cents: c.total,
    created_at: iso(at),
    data: {
      lines: c.lines,
      subtotalCents: c.subtotal,
      shippingCents: c.method.priceCents,
      paymentMethod: currency === 'USD' ? 'Visa •••• 4242' : 'Mastercard •••• 5454',
    },
  };
}

function shipmentFields(
  rnd: SeededRandom,
  orderId: string,
  at: number,
  currency: Currency,
  shipmentSeq: number,
  c: OrderContents,
): DocumentFields {
  const carrier = CARRIERS[currency];
  return {
    order_id: orderId,
    status: 'shipped',
    total_cents: 0,
    created_at: iso(at),
    data: {
      tracking: {
        carrier,
        number: `${carrier === 'UPS' ? '1Z' : 'JD'}${pad(rnd.int(0, 999_999_999), 9)}${pad(shipmentSeq, 6)}`,
      },
      shippingAddress: c.address,
      lines: c.lines.map(({ sku, name, qty }) => ({ sku, name, qty })),
    },
  };
}

function creditMemoFields(rnd: SeededRandom, orderId: string, at: number, c: OrderContents): DocumentFields {
  return {
    order_id: orderId,
    status: 'refunded',
    total_cents: c.lines[0] ? c.lines[0].unitPriceCents : c.subtotal,
    created_at: iso(at),
    data: {
      reason: rnd.pick(['Damaged in transit', 'Wrong item', 'Changed mind']),
      lines: c.lines.slice(0, 1).map(({ sku, name }) => ({ sku, name, qty: 1 })),
    },
  };
}

/**
 * Loads the demo shop: staff, stores, catalog, settings and the demo customers. Idempotent:
 * what exists is left alone, so a second run changes nothing.
 */
export async function seedDemo(db: Database, clock: Clock): Promise<void> {
  const data = generateDemoData(clock.now());
  // One hash for every demo customer: argon2id is deliberately slow.
  const customerHash = await hashPassword(DEMO_CUSTOMER_PASSWORD);
  await db.transaction(async (tx) => {
    await seedStaff(tx);
    await seedStores(tx);
    await seedCatalog(tx);
    await tx.query('INSERT INTO shop_settings (id, value) VALUES (true, $1) ON CONFLICT (id) DO NOTHING', [
      JSON.stringify(DEFAULT_SETTINGS),
    ]);
    const seeded = await tx.query('SELECT 1 FROM customers WHERE id = $1', [JANE.id]);
    if (seeded.rows.length > 0) return;
    await insertDemoData(tx, data, customerHash);
  });
}

async function insertDemoData(tx: Queryable, data: DemoData, passwordHash: string): Promise<void> {
  await tx.query(
    `INSERT INTO customers (id, number, first_name, last_name, name, email, phone, phone_digits, password_hash, created_at)
     SELECT id, number, first_name, last_name, name, email, phone, phone_digits, $2, created_at
     FROM jsonb_to_recordset($1::jsonb) AS r(id text, number text, first_name text, last_name text, name text, email text, phone text, phone_digits text, created_at timestamptz)`,
    [JSON.stringify(data.customers), passwordHash],
  );
  await tx.query(
    `INSERT INTO accounts (id, customer_id, store_id, created_at)
     SELECT id, customer_id, store_id, created_at FROM jsonb_to_recordset($1::jsonb) AS r(id text, customer_id text, store_id text, created_at timestamptz)`,
    [JSON.stringify(data.accounts)],
  );
  await tx.query(
    `INSERT INTO consents (customer_id, granted, granted_at, expires_at, updated_at)
     SELECT customer_id, granted, granted_at, expires_at, updated_at
     FROM jsonb_to_recordset($1::jsonb) AS r(customer_id text, granted boolean, granted_at timestamptz, expires_at timestamptz, updated_at timestamptz)`,
    [JSON.stringify(data.consents)],
  );
  // Orders first: the other documents point at them.
  for (const types of [['order'], ['invoice', 'shipment', 'credit_memo']]) {
    await tx.query(
      `INSERT INTO documents (id, type, number, customer_id, account_id, store_id, order_id, status, total_cents, currency, created_at, data)
       SELECT id, type, number, customer_id, account_id, store_id, order_id, status, total_cents, currency, created_at, data
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, type text, number text, customer_id text, account_id text, store_id text, order_id text,
         status text, total_cents bigint, currency text, created_at timestamptz, data jsonb)`,
      [JSON.stringify(data.documents.filter((d) => types.includes(d.type)))],
    );
  }
}
