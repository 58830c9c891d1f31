import type { Customer, DocumentsQuery, ShopDocument } from '../../shared/api/shop';
import { DocumentType } from '../../shared/api/shop';
import { consentAt } from '../consent/status';
import type { Queryable } from '../db/database';
import { notFound } from '../lib/errors';

interface CustomerRow {
  id: string;
  number: string;
  name: string;
  email: string;
  phone: string | null;
  created_at: Date;
  granted: boolean | null;
  granted_at: Date | null;
  expires_at: Date | null;
}

interface AccountRow {
  id: string;
  store_id: string;
  store_code: string;
  created_at: Date;
}

const customerNotFound = () => notFound('customer_not_found', 'No customer has this id.');

/** One customer with accounts and consent as of `now`; 404 `customer_not_found` when unknown. */
export async function getCustomer(db: Queryable, id: string, now: Date): Promise<Customer> {
  const { rows } = await db.query<CustomerRow>(
    `SELECT c.id, c.number, c.name, c.email, c.phone, c.created_at, k.granted, k.granted_at, k.expires_at
     FROM customers c LEFT JOIN consents k ON k.customer_id = c.id WHERE c.id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) throw customerNotFound();
  const accounts = await db.query<AccountRow>(
    `SELECT a.id, a.store_id, s.code AS store_code, a.created_at FROM accounts a JOIN stores s ON s.id = a.store_id
     WHERE a.customer_id = $1 ORDER BY s.code`,
    [id],
  );
  return {
    id: row.id,
    number: row.number,
    name: row.name,
    email: row.email,
    phone: row.phone,
    createdAt: row.created_at.toISOString(),
    accounts: accounts.rows.map((a) => ({
      id: a.id,
      storeId: a.store_id,
      storeCode: a.store_code,
      createdAt: a.created_at.toISOString(),
    })),
    consent: consentAt(
      row.granted === null ? null : { granted: row.granted, granted_at: row.granted_at, expires_at: row.expires_at },
      now,
    ),
  };
}

/** A document row as DOCUMENT_COLUMNS reads it from `documents d` (FROM DOCUMENT_JOINS). */
export interface DocumentRow {
  id: string;
  type: string;
  number: string;
  customer_id: string;
  account_id: string;
  store_id: string;
  order_id: string | null;
  order_number: string | null;
  status: string;
  total_cents: number;
  currency: string;
  created_at: Date;
  placed_by_staff_id: string | null;
  staff_name: string | null;
  assist_session_id: string | null;
}

export const DOCUMENT_COLUMNS = `d.id, d.type, d.number, d.customer_id, d.account_id, d.store_id, d.order_id,
       o.number AS order_number, d.status, d.total_cents, d.currency, d.created_at, d.placed_by_staff_id,
       st.name AS staff_name, d.assist_session_id`;
/** The order's number and the placing staff member's name, for DOCUMENT_COLUMNS. */
export const DOCUMENT_JOINS = `LEFT JOIN documents o ON o.id = d.order_id
     LEFT JOIN staff st ON st.id = d.placed_by_staff_id`;

export function documentOf(d: DocumentRow): ShopDocument {
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
    totalCents: d.total_cents,
    currency: d.currency,
    createdAt: d.created_at.toISOString(),
    // Only documents created inside an assisted session name who placed them.
    placedBy:
      d.placed_by_staff_id && d.staff_name && d.assist_session_id
        ? { staffId: d.placed_by_staff_id, staffName: d.staff_name, sessionId: d.assist_session_id }
        : null,
  };
}

/** A customer's documents, newest first; 404 `customer_not_found` when the customer is unknown. */
export async function listDocuments(db: Queryable, customerId: string, query: DocumentsQuery): Promise<ShopDocument[]> {
  const exists = await db.query('SELECT 1 FROM customers WHERE id = $1', [customerId]);
  if (exists.rows.length === 0) throw customerNotFound();
  const { rows } = await db.query<DocumentRow>(
    `SELECT ${DOCUMENT_COLUMNS} FROM documents d ${DOCUMENT_JOINS}
     WHERE d.customer_id = $1 AND ($2::text IS NULL OR d.type = $2)
     ORDER BY d.created_at DESC, d.id DESC LIMIT $3`,
    [customerId, query.type ?? null, query.limit],
  );
  return rows.map(documentOf);
}
