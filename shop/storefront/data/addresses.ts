import type { Queryable } from '../../db/database';
import type { Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';

export interface Address {
  id: string;
  fullName: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  country: string;
  phone: string | null;
}

export type AddressInput = Omit<Address, 'id'>;

interface Row {
  id: string;
  full_name: string;
  line1: string;
  line2: string | null;
  city: string;
  postal_code: string;
  country: string;
  phone: string | null;
}

const toAddress = (r: Row): Address => ({
  id: r.id,
  fullName: r.full_name,
  line1: r.line1,
  line2: r.line2,
  city: r.city,
  postalCode: r.postal_code,
  country: r.country.trim(),
  phone: r.phone,
});

export async function listAddresses(db: Queryable, customerId: string): Promise<Address[]> {
  const result = await db.query<Row>(
    'SELECT id, full_name, line1, line2, city, postal_code, country, phone FROM customer_addresses WHERE customer_id = $1 AND removed_at IS NULL ORDER BY created_at, id',
    [customerId],
  );
  return result.rows.map(toAddress);
}

export async function addressById(db: Queryable, customerId: string, id: string): Promise<Address | null> {
  const result = await db.query<Row>(
    'SELECT id, full_name, line1, line2, city, postal_code, country, phone FROM customer_addresses WHERE customer_id = $1 AND id = $2 AND removed_at IS NULL',
    [customerId, id],
  );
  const row = result.rows[0];
  return row ? toAddress(row) : null;
}

export async function addAddress(
  tx: Queryable,
  clock: Clock,
  customerId: string,
  input: AddressInput,
): Promise<string> {
  const id = newId('adr');
  await tx.query(
    'INSERT INTO customer_addresses (id, customer_id, full_name, line1, line2, city, postal_code, country, phone, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
    [
      id,
      customerId,
      input.fullName,
      input.line1,
      input.line2,
      input.city,
      input.postalCode,
      input.country,
      input.phone,
      clock.now(),
    ],
  );
  return id;
}

export async function removeAddress(tx: Queryable, clock: Clock, customerId: string, id: string): Promise<boolean> {
  const result = await tx.query(
    'UPDATE customer_addresses SET removed_at = $3 WHERE customer_id = $1 AND id = $2 AND removed_at IS NULL',
    [customerId, id, clock.now()],
  );
  return result.rowCount > 0;
}
