import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JANE, JOHN } from '../shop/seed/demo';
import { DEMO_STAFF, DEMO_STAFF_PASSWORD } from '../shop/seed/staff';
import { loadStaffFile } from './staff-file';

describe('the --staff file', () => {
  it('ships the demo data: every demo staff member, Jane (consent) and John (none)', async () => {
    const file = await loadStaffFile();
    expect(file.staff.map((s) => [s.email, s.role, s.totpSecret, s.password]).sort()).toEqual(
      DEMO_STAFF.map((s) => [s.email, s.role, s.totpSecret, DEMO_STAFF_PASSWORD]).sort(),
    );
    expect(file.customers).toEqual({ withConsent: { id: JANE.id }, withoutConsent: { id: JOHN.id } });
  });

  it('refuses a file without a supervisor, or with a secret that is not base32, saying why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'conformance-staff-'));
    try {
      const path = join(dir, 'staff.json');
      const agent = { role: 'agent', email: 'a@shop.test', password: 'pw', totpSecret: 'JBSWY3DPEHPK3PXP' };
      const customers = { withConsent: { id: 'cus_1' }, withoutConsent: { id: 'cus_2' } };
      await writeFile(path, JSON.stringify({ staff: [agent], customers }));
      await expect(loadStaffFile(path)).rejects.toThrow(/needs a supervisor/);
      const bad = { ...agent, role: 'supervisor', totpSecret: 'not base32!' };
      await writeFile(path, JSON.stringify({ staff: [agent, bad], customers }));
      await expect(loadStaffFile(path)).rejects.toThrow(/base32/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
