import { verify } from '@node-rs/argon2';
import type { Queryable } from '../../db/database';
import { addSeconds, type Clock } from '../../lib/clock';
import { hashSecret, newId, newSecret } from '../../lib/ids';
import { hashPassword } from '../../seed/staff';
import type { CustomerRow, StoreRow } from '../viewer';

/** A customer's storefront sign-in lasts this long, then they sign in again. */
export const WEB_SESSION_SECONDS = 7 * 24 * 3600;

interface Row {
  id: string;
  number: string;
  first_name: string;
  last_name: string;
  name: string;
  email: string;
  phone: string | null;
}

const COLUMNS = 'c.id, c.number, c.first_name, c.last_name, c.name, c.email, c.phone';

export const toCustomer = (r: Row): CustomerRow => ({
  id: r.id,
  number: r.number,
  firstName: r.first_name,
  lastName: r.last_name,
  name: r.name,
  email: r.email,
  phone: r.phone,
});

export async function customerById(db: Queryable, id: string): Promise<CustomerRow | null> {
  const result = await db.query<Row>(`SELECT ${COLUMNS} FROM customers c WHERE c.id = $1`, [id]);
  const row = result.rows[0];
  return row ? toCustomer(row) : null;
}

// Verifying against a fixed hash when the email is unknown keeps the timing of both answers alike.
let decoyHash: Promise<string> | null = null;

/** The customer with this email and password, or null; never says which of the two was wrong. */
export async function checkCustomerPassword(
  db: Queryable,
  email: string,
  password: string,
): Promise<CustomerRow | null> {
  const result = await db.query<Row & { password_hash: string }>(
    `SELECT ${COLUMNS}, c.password_hash FROM customers c WHERE c.email = $1`,
    [email],
  );
  const row = result.rows[0];
  if (!row) {
    decoyHash ??= hashPassword('decoy-password-for-timing');
    await verify(await decoyHash, password).catch(() => false);
    return null;
  }
  const ok = await verify(row.password_hash, password).catch(() => false);
  return ok ? toCustomer(row) : null;
}

export async function passwordMatches(db: Queryable, customerId: string, password: string): Promise<boolean> {
  const result = await db.query<{ password_hash: string }>('SELECT password_hash FROM customers WHERE id = $1', [
    customerId,
  ]);
  const row = result.rows[0];
  return row ? verify(row.password_hash, password).catch(() => false) : false;
}

/** The customer's account in `store`, created on first sign-in there (one customer, an account per store). */
export async function ensureAccount(tx: Queryable, clock: Clock, customerId: string, storeId: string): Promise<string> {
  await tx.query(
    'INSERT INTO accounts (id, customer_id, store_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (customer_id, store_id) DO NOTHING',
    [newId('acc'), customerId, storeId, clock.now()],
  );
  const result = await tx.query<{ id: string }>('SELECT id FROM accounts WHERE customer_id = $1 AND store_id = $2', [
    customerId,
    storeId,
  ]);
  const row = result.rows[0];
  if (!row) throw new Error('account was not created');
  return row.id;
}

/** Starts a web session; the returned secret goes into the cookie and is never stored. */
export async function startWebSession(
  tx: Queryable,
  clock: Clock,
  customerId: string,
  accountId: string,
  store: StoreRow,
): Promise<string> {
  const secret = newSecret();
  const now = clock.now();
  await tx.query(
    'INSERT INTO customer_web_sessions (id, secret_hash, customer_id, account_id, store_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [newId('cws'), hashSecret(secret), customerId, accountId, store.id, now, addSeconds(now, WEB_SESSION_SECONDS)],
  );
  return secret;
}

export async function resolveWebSession(
  db: Queryable,
  now: Date,
  secret: string,
  storeId: string,
): Promise<{ webSessionId: string; accountId: string; customer: CustomerRow } | null> {
  const result = await db.query<Row & { session_id: string; account_id: string }>(
    `SELECT w.id AS session_id, w.account_id, ${COLUMNS} FROM customer_web_sessions w JOIN customers c ON c.id = w.customer_id
      WHERE w.secret_hash = $1 AND w.store_id = $2 AND w.revoked_at IS NULL AND w.expires_at > $3`,
    [hashSecret(secret), storeId, now],
  );
  const row = result.rows[0];
  return row ? { webSessionId: row.session_id, accountId: row.account_id, customer: toCustomer(row) } : null;
}

export async function endWebSession(db: Queryable, now: Date, webSessionId: string): Promise<void> {
  await db.query('UPDATE customer_web_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [
    webSessionId,
    now,
  ]);
}

/** Signs the customer out everywhere except the session `keep` (after a password change). */
export async function endOtherWebSessions(tx: Queryable, now: Date, customerId: string, keep: string): Promise<void> {
  await tx.query(
    'UPDATE customer_web_sessions SET revoked_at = $3 WHERE customer_id = $1 AND id <> $2 AND revoked_at IS NULL',
    [customerId, keep, now],
  );
}

export async function emailTaken(db: Queryable, email: string): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM customers WHERE email = $1', [email]);
  return result.rows.length > 0;
}

export interface Registration {
  firstName: string;
  lastName: string;
  email: string;
  password: string;
}

export async function registerCustomer(tx: Queryable, clock: Clock, input: Registration): Promise<string> {
  const id = newId('cus');
  const seq = await tx.query<{ n: number }>("SELECT nextval('storefront_customer_number')::bigint AS n");
  const number = `W${String(seq.rows[0]?.n ?? 0).padStart(7, '0')}`;
  await tx.query(
    `INSERT INTO customers (id, number, first_name, last_name, name, email, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      id,
      number,
      input.firstName,
      input.lastName,
      `${input.firstName} ${input.lastName}`,
      input.email,
      await hashPassword(input.password),
      clock.now(),
    ],
  );
  return id;
}

export async function updateProfile(
  tx: Queryable,
  customerId: string,
  input: { firstName: string; lastName: string; phone: string | null },
): Promise<void> {
  await tx.query(
    'UPDATE customers SET first_name = $2, last_name = $3, name = $4, phone = $5, phone_digits = $6 WHERE id = $1',
    [
      customerId,
      input.firstName,
      input.lastName,
      `${input.firstName} ${input.lastName}`,
      input.phone,
      input.phone ? input.phone.replace(/\D/g, '') : null,
    ],
  );
}

export async function setPassword(tx: Queryable, customerId: string, password: string): Promise<void> {
  await tx.query('UPDATE customers SET password_hash = $2 WHERE id = $1', [customerId, await hashPassword(password)]);
}

export async function setEmail(tx: Queryable, customerId: string, email: string): Promise<void> {
  await tx.query('UPDATE customers SET email = $2 WHERE id = $1', [customerId, email]);
}

export async function requestDeletion(db: Queryable, clock: Clock, customerId: string): Promise<void> {
  await db.query('INSERT INTO account_deletion_requests (id, customer_id, requested_at) VALUES ($1, $2, $3)', [
    newId('del'),
    customerId,
    clock.now(),
  ]);
}

export async function deletionRequestedAt(db: Queryable, customerId: string): Promise<Date | null> {
  const result = await db.query<{ requested_at: Date }>(
    'SELECT requested_at FROM account_deletion_requests WHERE customer_id = $1 ORDER BY requested_at DESC LIMIT 1',
    [customerId],
  );
  return result.rows[0]?.requested_at ?? null;
}
