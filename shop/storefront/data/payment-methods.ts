import type { Queryable } from '../../db/database';
import type { Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';

export interface PaymentMethod {
  id: string;
  label: string;
  last4: string;
  createdAt: Date;
}

export async function listPaymentMethods(db: Queryable, customerId: string): Promise<PaymentMethod[]> {
  const result = await db.query<{ id: string; label: string; last4: string; created_at: Date }>(
    'SELECT id, label, last4, created_at FROM customer_payment_methods WHERE customer_id = $1 AND removed_at IS NULL ORDER BY created_at, id',
    [customerId],
  );
  return result.rows.map((r) => ({ id: r.id, label: r.label, last4: r.last4, createdAt: r.created_at }));
}

/** Test cards only: stores a label and the last four digits the customer typed, nothing else. */
export async function addTestCard(
  tx: Queryable,
  clock: Clock,
  customerId: string,
  label: string,
  last4: string,
): Promise<string> {
  const id = newId('pm');
  await tx.query(
    'INSERT INTO customer_payment_methods (id, customer_id, label, last4, created_at) VALUES ($1, $2, $3, $4, $5)',
    [id, customerId, label, last4, clock.now()],
  );
  return id;
}

export async function removePaymentMethod(
  tx: Queryable,
  clock: Clock,
  customerId: string,
  id: string,
): Promise<boolean> {
  const result = await tx.query(
    'UPDATE customer_payment_methods SET removed_at = $3 WHERE customer_id = $1 AND id = $2 AND removed_at IS NULL',
    [customerId, id, clock.now()],
  );
  return result.rowCount > 0;
}
