import type { IncomingMessage } from 'node:http';
import type { Deps } from '../deps';
import { ApiError, unauthorized } from '../errors';
import { findStaff, type SignedInStaff } from '../staff';
import { findToken } from './tokens';

/** The bearer token's staff member, checked on every request: token live, user still staff. */
export async function authenticate(deps: Deps, req: IncomingMessage): Promise<SignedInStaff> {
  const header = req.headers.authorization ?? '';
  const token = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header)?.[1];
  if (!token) throw unauthorized();
  const row = await findToken(deps.db, 'access', token);
  if (!row || row.used_at) throw unauthorized();
  if (row.expires_at.getTime() <= deps.now().getTime())
    throw new ApiError(401, 'token_expired', 'Your sign-in has expired; refresh it.');
  const staff = await findStaff(deps.users, row.staff_id);
  if (!staff) throw unauthorized();
  return { ...staff, signInId: row.sign_in_id };
}
