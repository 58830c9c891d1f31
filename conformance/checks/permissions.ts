import type { Role } from '../../shared/api/auth';
import type { ApiClient } from '../../main/core/api/api-client';
import { expectRefusal } from '../sign-in';
import type { Check, RunContext } from '../suite';

/**
 * What each role may and may not do (docs/ARCHITECTURE.md, "Roles and permissions"), one check
 * per row: a refused call must be 403 permission_denied, an allowed one must succeed. Calls go
 * through the console's own client, so its schemas check the allowed answers too.
 */
interface PermissionRow {
  role: Role;
  what: string;
  allowed: boolean;
  call: (client: ApiClient, ctx: RunContext) => Promise<unknown>;
}

/** A session start the permission check refuses before anything else (step-up, customer, consent). */
const startView = (client: ApiClient, ctx: RunContext) =>
  client.createSession({
    customerId: ctx.file.customers.withConsent.id,
    accountId: 'acc_conformance',
    mode: 'view',
    reason: 'Conformance check: permissions',
  });

/** Settings written back unchanged: a shop that wrongly allowed it changes nothing. */
const rewriteSettings = async (client: ApiClient, ctx: RunContext) => {
  const admin = await ctx.as('admin');
  return client.saveSettings(await admin.client.settings());
};

const ROWS: PermissionRow[] = [
  { role: 'trainee', what: 'search customers', allowed: true, call: (c) => c.searchCustomers({ q: 'a', limit: 1 }) },
  { role: 'trainee', what: 'start an assisted session', allowed: false, call: startView },
  { role: 'trainee', what: 'list sessions', allowed: false, call: (c) => c.listSessions({}) },
  {
    role: 'trainee',
    what: 'read the audit staff directory (audit.read.all)',
    allowed: false,
    call: (c) => c.auditStaff(),
  },
  {
    role: 'agent',
    what: 'read the audit staff directory (audit.read.all)',
    allowed: false,
    call: (c) => c.auditStaff(),
  },
  { role: 'agent', what: 'read the settings', allowed: false, call: (c) => c.settings() },
  { role: 'agent', what: 'read the assist policy', allowed: true, call: (c) => c.assistPolicy() },
  { role: 'supervisor', what: 'read the audit staff directory', allowed: true, call: (c) => c.auditStaff() },
  { role: 'supervisor', what: "list everyone's sessions", allowed: true, call: (c) => c.listSessions({ limit: 5 }) },
  { role: 'supervisor', what: 'read the settings', allowed: false, call: (c) => c.settings() },
  { role: 'supervisor', what: 'change the settings', allowed: false, call: rewriteSettings },
  { role: 'admin', what: 'read the settings', allowed: true, call: (c) => c.settings() },
  { role: 'admin', what: 'read the audit staff directory', allowed: true, call: (c) => c.auditStaff() },
];

function permissionCheck(row: PermissionRow): Check {
  return {
    name: `permissions: ${row.role} ${row.allowed ? 'may' : 'may not'} ${row.what}`,
    run: async (ctx) => {
      const { client } = await ctx.as(row.role);
      if (row.allowed) {
        await row.call(client, ctx);
        return 'allowed';
      }
      await expectRefusal(row.call(client, ctx), [403], 'permission_denied');
      return 'refused: 403 permission_denied';
    },
  };
}

export const permissionChecks: Check[] = ROWS.map(permissionCheck);
