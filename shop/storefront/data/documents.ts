import type { DocumentType } from '../../../shared/api/shop';
import type { Queryable } from '../../db/database';

export interface StoreDocument {
  id: string;
  type: DocumentType;
  number: string;
  orderId: string | null;
  status: string;
  totalCents: number;
  currency: string;
  createdAt: Date;
  placedByName: string | null;
  data: Record<string, unknown>;
}

interface Row {
  id: string;
  type: DocumentType;
  number: string;
  order_id: string | null;
  status: string;
  total_cents: number | string;
  currency: string;
  created_at: Date;
  placed_by_name: string | null;
  data: Record<string, unknown>;
}

const toDocument = (r: Row): StoreDocument => ({
  id: r.id,
  type: r.type,
  number: r.number,
  orderId: r.order_id,
  status: r.status,
  totalCents: Number(r.total_cents),
  currency: r.currency.trim(),
  createdAt: r.created_at,
  placedByName: r.placed_by_name,
  data: r.data,
});

const SELECT = `SELECT d.id, d.type, d.number, d.order_id, d.status, d.total_cents, d.currency, d.created_at, s.name AS placed_by_name, d.data
                  FROM documents d LEFT JOIN staff s ON s.id = d.placed_by_staff_id`;

/** The account's orders in this store, newest first. */
export async function listOrders(db: Queryable, accountId: string, limit = 100): Promise<StoreDocument[]> {
  const result = await db.query<Row>(
    `${SELECT} WHERE d.account_id = $1 AND d.type = 'order' ORDER BY d.created_at DESC, d.number DESC LIMIT $2`,
    [accountId, limit],
  );
  return result.rows.map(toDocument);
}

/** A document of this account by number (never another customer's, whatever the number). */
export async function documentByNumber(
  db: Queryable,
  accountId: string,
  number: string,
): Promise<StoreDocument | null> {
  const result = await db.query<Row>(`${SELECT} WHERE d.account_id = $1 AND d.number = $2`, [accountId, number]);
  const row = result.rows[0];
  return row ? toDocument(row) : null;
}

/** Invoices, shipments and credit memos of an order. */
export async function documentsOfOrder(db: Queryable, accountId: string, orderId: string): Promise<StoreDocument[]> {
  const result = await db.query<Row>(
    `${SELECT} WHERE d.account_id = $1 AND d.order_id = $2 ORDER BY d.created_at, d.number`,
    [accountId, orderId],
  );
  return result.rows.map(toDocument);
}

export async function documentById(db: Queryable, accountId: string, id: string): Promise<StoreDocument | null> {
  const result = await db.query<Row>(`${SELECT} WHERE d.account_id = $1 AND d.id = $2`, [accountId, id]);
  const row = result.rows[0];
  return row ? toDocument(row) : null;
}

export interface OrderLine {
  name: string;
  sku: string;
  quantity: number;
  unitCents: number | null;
}

/** Lines of any document: `{sku, name, qty, unitPriceCents?}` (orders and invoices carry prices). */
export function linesOf(doc: StoreDocument): OrderLine[] {
  const raw = doc.data.lines;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const l = item as Record<string, unknown>;
    return [
      {
        name: typeof l.name === 'string' ? l.name : '',
        sku: typeof l.sku === 'string' ? l.sku : '',
        quantity: typeof l.qty === 'number' ? l.qty : 1,
        unitCents: typeof l.unitPriceCents === 'number' ? l.unitPriceCents : null,
      },
    ];
  });
}

/** A string field of a document's data, or of an object inside it (`shippingMethod.name`). */
export function dataText(doc: StoreDocument, key: string, inner?: string): string | null {
  const value = doc.data[key];
  if (inner === undefined) return typeof value === 'string' ? value : null;
  if (typeof value !== 'object' || value === null) return null;
  const nested = (value as Record<string, unknown>)[inner];
  return typeof nested === 'string' ? nested : null;
}

/** An address a document's data carries, in the storefront's field names. */
export interface DocumentPostalAddress {
  fullName: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  country: string;
  phone: string | null;
}

/** The address a document carries (`shippingAddress` / `billingAddress`, the seed's shape), or null. */
export function addressInData(data: Record<string, unknown>, key: string): DocumentPostalAddress | null {
  const raw = data[key];
  if (typeof raw !== 'object' || raw === null) return null;
  const a = raw as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    fullName: text(a.name) ?? '',
    line1: text(a.line1) ?? '',
    line2: text(a.line2),
    city: text(a.city) ?? '',
    region: text(a.region),
    postalCode: text(a.postcode) ?? '',
    country: text(a.country) ?? '',
    phone: text(a.phone),
  };
}
