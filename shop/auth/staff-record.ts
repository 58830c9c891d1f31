import type { Role } from '../../shared/api/auth';
import type { Queryable } from '../db/database';
import type { AuditInput } from '../audit/append';

/** The staff columns sign-in needs, secrets included: never leaves the auth modules. */
export interface StaffCredentials {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  password_hash: string;
  totp_secret: string;
  totp_last_step: number;
}

const COLUMNS = 'id, email, name, role, disabled, password_hash, totp_secret, totp_last_step';

export async function findStaffByEmail(db: Queryable, email: string): Promise<StaffCredentials | null> {
  const result = await db.query<StaffCredentials>(`SELECT ${COLUMNS} FROM staff WHERE email = $1`, [email]);
  return result.rows[0] ?? null;
}

/** Reads the row and, inside a transaction, locks it against concurrent sign-in attempts. */
export async function lockStaffById(tx: Queryable, id: string): Promise<StaffCredentials | null> {
  const result = await tx.query<StaffCredentials>(`SELECT ${COLUMNS} FROM staff WHERE id = $1 FOR UPDATE`, [id]);
  return result.rows[0] ?? null;
}

export function staffActor(staff: { id: string; name: string }): AuditInput['actor'] {
  return { type: 'staff', id: staff.id, name: staff.name };
}

/** Where a request came from, as audit events record it. */
export interface RequestOrigin {
  ip: string;
  userAgent: string | null;
}
