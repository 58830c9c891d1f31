import type { DocumentAddress, ShopDocumentDetail } from '../../shared/api/shop';
import type { Queryable } from '../db/database';
import { notFound } from '../lib/errors';
import { addressInData, dataText, linesOf, type StoreDocument } from '../storefront/data/documents';
import { DOCUMENT_COLUMNS, DOCUMENT_JOINS, documentOf, type DocumentRow } from './detail';

interface DetailRow extends DocumentRow {
  store_code: string;
  data: Record<string, unknown>;
}

const SELECT = `SELECT ${DOCUMENT_COLUMNS}, s.code AS store_code, d.data
     FROM documents d
     JOIN stores s ON s.id = d.store_id
     ${DOCUMENT_JOINS}`;

const documentNotFound = () => notFound('document_not_found', 'This customer has no document with this id.');

/** The address a document's data carries under `key`, read as the storefront's page reads it. */
function addressIn(data: Record<string, unknown>, key: string): DocumentAddress | null {
  const a = addressInData(data, key);
  if (!a) return null;
  return {
    name: a.fullName,
    line1: a.line1,
    line2: a.line2,
    city: a.city,
    region: a.region,
    postalCode: a.postalCode,
    country: a.country.trim(),
    phone: a.phone,
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
  const summary = documentOf(row);
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
    related: family.rows.map(documentOf),
  };
}

function trackingOf(doc: StoreDocument): ShopDocumentDetail['tracking'] {
  const number = dataText(doc, 'tracking', 'number');
  return number === null ? null : { carrier: dataText(doc, 'tracking', 'carrier'), number };
}
