import type { IUserModuleService, UserDTO } from '@medusajs/framework/types';
import { permissionsOf, Role, type Staff } from '../protocol/protocol';

/** A staff member as a request sees them: who, their role and permissions, and the sign-in it came through. */
export interface SignedInStaff extends Staff {
  signInId: string;
}

/** Where a Medusa admin user's Concierge role is kept: `user.metadata.concierge_role`. */
export const ROLE_METADATA_KEY = 'concierge_role';

/** Staff are Medusa admin users with a Concierge role; a user without one is not staff here. */
export function staffOf(user: UserDTO): Staff | null {
  const role = Role.safeParse(user.metadata?.[ROLE_METADATA_KEY]);
  if (!role.success) return null;
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ') || user.email;
  return { id: user.id, email: user.email, name, role: role.data, permissions: permissionsOf(role.data) };
}

export async function findStaff(users: IUserModuleService, id: string): Promise<Staff | null> {
  const [user] = await users.listUsers({ id });
  return user ? staffOf(user) : null;
}

export async function findStaffByEmail(users: IUserModuleService, email: string): Promise<Staff | null> {
  const [user] = await users.listUsers({ email });
  return user ? staffOf(user) : null;
}
