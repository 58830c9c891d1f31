import type { DocumentAddress, ShopDocument, ShopDocumentDetail } from '../../shared/api/shop';
import { DocumentType } from '../../shared/api/shop';
import type { Queryable } from '../db/database';
import { notFound } from '../lib/errors';
import { dataText, linesOf, type StoreDocument } from '../storefront/data/documents';

interface DetailRow {
  id: string;
  type: string;
  number: string;
  customer_id: string;
  account_id: string;
  store_id: string;
  store_code: string;
  order_id: string | null;
  order_number: string | null;
  status: string;
  total_cents: number | string;
  currency: string;
  created_at: Date;
  placed_by_staff_id: string | null;
  staff_name: string | null;
  assist_session_id: string | null;
  data: Record<string, unknown>;
}

const SELECT = `SELECT d.id, d.type, d.number, d.customer_id, d.account_id, d.store_id, s.code AS store_code, d.order_id,
       o.number AS order_number, d.status, d.total_cents, d.currency, d.created_at, d.placed_by_staff_id,
       st.name AS staff_name, d.assist_session_id, d.data
     FROM documents d
     JOIN stores s ON s.id = d.store_id
     LEFT JOIN documents o ON o.id = d.order_id
     LEFT JOIN staff st ON st.id = d.placed_by_staff_id`;

const documentNotFound = () => notFound('document_not_found', 'This customer has no document with this id.');

function summaryOf(d: DetailRow): ShopDocument {
  return {
    id: d.id,
    type: DocumentType.parse(d.type),
    number: d.number,
    customerId: d.customer_id,
    accountId: d.account_id,
    storeId: d.store_id,
    orderId: d.order_id,
    orderNumber: d.order_number,
    status: d.status,
    totalCents: Number(d.total_cents),
    currency: d.currency.trim(),
    createdAt: d.created_at.toISOString(),
    // Only documents created inside an assisted session name who placed them.
    placedBy:
      d.placed_by_staff_id && d.staff_name && d.assist_session_id
        ? { staffId: d.placed_by_staff_id, staffName: d.staff_name, sessionId: d.assist_session_id }
        : null,
  };
}

/** The address a document's data carries under `key` (the seed's and checkout's shape), or null. */
function addressIn(data: Record<string, unknown>, key: string): DocumentAddress | null {
  const raw = data[key];
  if (typeof raw !== 'object' || raw === null) return null;
  const a = raw as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    name: text(a.name) ?? '',
    line1: text(a.line1) ?? '',
    line2: text(a.line2),
    city: text(a.city) ?? '',
    region: text(a.region),
    postalCode: text(a.postcode) ?? '',
    country: (text(a.country) ?? '').trim(),
    phone: text(a.phone),
  };
}

const cents = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) ? value : null);

/**
 * One document of a customer with what its storefront page shows: lines, totals, addresses,
 * shipping, payment, tracking, and the order's other documents. 404 `document_not_found` for a
 * document of another customer, whatever its id.
 */
export async function getDocument(db: Queryable, customerId: string, documentId: string): Promise<ShopDocumentDetail> {
  const { rows } = await db.query<DetailRow>(`${SELECT} WHERE d.customer_id = $1 AND d.id = $2`, [
    customerId,
    documentId,
  ]);
  const row = rows[0];
  if (!row) {
    const customer = await db.query('SELECT 1 FROM customers WHERE id = $1', [customerId]);
    if (customer.rows.length === 0) throw notFound('customer_not_found', 'No customer has this id.');
    throw documentNotFound();
  }
  const orderId = row.order_id ?? row.id;
  const family = await db.query<DetailRow>(
    `${SELECT} WHERE d.customer_id = $1 AND (d.id = $2 OR d.order_id = $2) AND d.id <> $3
     ORDER BY d.created_at, d.number`,
    [customerId, orderId, row.id],
  );
  const summary = summaryOf(row);
  // The storefront's readers of a document's data, so the console shows what the customer's page shows.
  const asStored: StoreDocument = {
    ...summary,
    createdAt: row.created_at,
    placedByName: row.staff_name,
    data: row.data,
  };
  return {
    ...summary,
    storeCode: row.store_code,
    lines: linesOf(asStored).map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity, unitCents: l.unitCents })),
    subtotalCents: cents(row.data.subtotalCents),
    shippingCents: cents(row.data.shippingCents),
    shippingAddress: addressIn(row.data, 'shippingAddress'),
    billingAddress: addressIn(row.data, 'billingAddress'),
    shippingMethod: dataText(asStored, 'shippingMethod', 'name'),
    paymentMethod: dataText(asStored, 'paymentMethod'),
    tracking: trackingOf(asStored),
    reason: dataText(asStored, 'reason'),
    related: family.rows.map(summaryOf),
  };
}

function trackingOf(doc: StoreDocument): ShopDocumentDetail['tracking'] {
  const number = dataText(doc, 'tracking', 'number');
  return number === null ? null : { carrier: dataText(doc, 'tracking', 'carrier'), number };
}
