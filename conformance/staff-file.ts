import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { Role } from '../shared/api/auth';
import { Id } from '../shared/api/common';

/**
 * The `--staff` file: who the suite signs in as, per role, and which customers it works with.
 * Customers are named by id only; the suite reads their name, email, phone, customer number and
 * an order number from the shop itself and searches by each.
 */

const Base32 = z
  .string()
  .transform((s) => s.replace(/\s+/g, '').toUpperCase())
  .pipe(z.string().regex(/^[A-Z2-7]+=*$/, 'must be base32 (A-Z, 2-7)'));

export const StaffCredentials = z
  .object({
    role: Role,
    email: z.email(),
    password: z.string().min(1),
    /** The TOTP secret (base32) the shop's authenticator enrolment shows. */
    totpSecret: Base32,
  })
  .strict();
export type StaffCredentials = z.infer<typeof StaffCredentials>;

export const StaffFile = z
  .object({
    /** Staff to sign in as; at least one agent and one supervisor. Trainee, admin and a second agent are optional but make more checks run (and the run faster). */
    staff: z
      .array(StaffCredentials)
      .min(1)
      .refine((list) => list.some((s) => s.role === 'agent'), 'needs an agent')
      .refine((list) => list.some((s) => s.role === 'supervisor'), 'needs a supervisor'),
    customers: z
      .object({
        /** A customer who allows assistance now (standing consent), with at least one account and one order. */
        withConsent: z.object({ id: Id }).strict(),
        /** A customer who has not allowed assistance. */
        withoutConsent: z.object({ id: Id }).strict(),
      })
      .strict(),
  })
  .strict();
export type StaffFile = z.infer<typeof StaffFile>;

/** The file for the reference shop's demo data (shop/seed/staff.ts, shop/seed/demo.ts). */
export const DEMO_STAFF_FILE = fileURLToPath(new URL('demo-staff.json', import.meta.url));

export async function loadStaffFile(path: string = DEMO_STAFF_FILE): Promise<StaffFile> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the staff file ${path}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const parsed = StaffFile.safeParse(json);
  if (!parsed.success) throw new Error(`the staff file ${path} is not valid:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
