import type { Deps } from '../deps';
import type { Origin } from '../router';
import type { SignedInStaff } from '../staff';
import { appendAudit, staffActor } from './append';

/** A signed-in staff member asked for something their role does not allow: on record. */
export async function recordDenied(
  deps: Deps,
  staff: SignedInStaff,
  route: string,
  permission: string,
  origin: Origin,
): Promise<void> {
  await deps.db.transaction((tx) =>
    appendAudit(tx, deps.now(), {
      action: 'access.denied',
      actor: staffActor(staff),
      ip: origin.ip,
      userAgent: origin.userAgent,
      details: { route, permission, role: staff.role },
    }),
  );
}
