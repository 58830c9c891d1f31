import { hash } from '@node-rs/argon2';
import type { Role } from '../../shared/api/auth';
import type { Queryable } from '../db/database';

export const DEMO_STAFF_PASSWORD = 'concierge-demo';

/** The demo staff: every role of docs/ARCHITECTURE.md ("Roles and permissions"), as the README's "The demo" lists them; the TOTP secrets are public demo values for loopback use only. */
export const DEMO_STAFF: readonly { id: string; email: string; name: string; role: Role; totpSecret: string }[] = [
  {
    id: 'stf_admin',
    email: 'admin@demo.test',
    name: 'Ada Admin',
    role: 'admin',
    totpSecret: 'XNT4KPVB3PPWIXEOAE6IFEDSBQ64ECNV',
  },
  {
    id: 'stf_supervisor',
    email: 'supervisor@demo.test',
    name: 'Sam Supervisor',
    role: 'supervisor',
    totpSecret: '5TZEBSDNBISUYTVQYKHEVVRFD44MYYV5',
  },
  {
    id: 'stf_agent',
    email: 'agent@demo.test',
    name: 'Alex Agent',
    role: 'agent',
    totpSecret: '4HM23JQOQ6N3M6FX76X2QBJE5CDIPJSP',
  },
  {
    id: 'stf_agent2',
    email: 'agent2@demo.test',
    name: 'Blake Agent',
    role: 'agent',
    totpSecret: 'FLI7466UYN7JZLP55ROTZPGAU7WHSM3B',
  },
  {
    id: 'stf_trainee',
    email: 'trainee@demo.test',
    name: 'Taylor Trainee',
    role: 'trainee',
    totpSecret: 'YXIMWN3JRAVJKCQYJ2TSIC2HCH2F763K',
  },
];

/** argon2id (the library's defaults: 19 MiB, t=2, p=1, as OWASP recommends). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function seedStaff(db: Queryable): Promise<void> {
  const passwordHash = await hashPassword(DEMO_STAFF_PASSWORD);
  for (const s of DEMO_STAFF) {
    await db.query(
      `INSERT INTO staff (id, email, name, role, password_hash, totp_secret) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO NOTHING`,
      [s.id, s.email, s.name, s.role, passwordHash, s.totpSecret],
    );
  }
}
