import type { FastifyReply, FastifyRequest } from 'fastify';
import { Role, ROLE_PERMISSIONS, type Permission } from '../../shared/api/auth';
import type { ShopContext } from '../context';
import type { Queryable } from '../db/database';
import type { Clock } from '../lib/clock';
import { forbidden } from '../lib/errors';
import { authenticate, authenticateTokenHash, bearerTokenHash, type Principal } from './tokens';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    accessGate: AccessGate | null;
  }
}

const permissionCheck = (anyOf: readonly Permission[]) => (principal: Principal) => {
  if (anyOf.length > 0 && !anyOf.some((p) => principal.staff.permissions.includes(p))) {
    throw forbidden(principal.staff, `needs:${anyOf.join('|')}`, `This needs the ${anyOf.join(' or ')} permission.`);
  }
};

/**
 * onRequest hook for API routes: a valid access token and, when given, at least one of `anyOf`.
 * Deny by default: every API route names its guard, as onRequest so it runs before validation.
 */
export function requireStaff(ctx: ShopContext, anyOf: readonly Permission[] = []) {
  const check = permissionCheck(anyOf);
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const principal = await authenticate(ctx.db, ctx, request.headers.authorization);
    check(principal);
    request.principal = principal;
  };
}

/**
 * The access check of a request as a condition its one statement carries, for a hot read that
 * should not pay a round trip to the database for the check alone (customer search, on every
 * keystroke). The condition holds when the token is valid at `now` — not revoked, not expired,
 * its staff member not disabled — and the staff member's role has one of the permissions, the
 * same rules as requireStaff, read in the same statement as the data.
 */
export interface AccessGate {
  /** The SQL condition; `param` binds a value and returns its placeholder. */
  condition(param: (value: unknown) => string): string;
  /**
   * The check with its precise error (401 not signed in, token expired, 403 permission): the
   * route calls it whenever its gated statement returned nothing, since no rows may mean "not
   * allowed" as well as "nothing found", and before any work that is not gated.
   */
  confirm(): Promise<void>;
}

/**
 * Gates for requests needing one of `anyOf`: the roles that have it and the permission check are
 * worked out once, here, not on every request. A missing or malformed token is refused when the
 * gate is made.
 */
export function accessGates(
  deps: { db: Queryable; clock: Clock },
  anyOf: readonly Permission[],
): (authorization: string | undefined) => AccessGate {
  if (anyOf.length === 0) throw new Error('an access gate needs at least one permission');
  const roles = Role.options.filter((role) => anyOf.some((p) => ROLE_PERMISSIONS[role].includes(p)));
  const check = permissionCheck(anyOf);
  return (authorization) => {
    const tokenHash = bearerTokenHash(authorization);
    const now = deps.clock.now();
    return {
      condition: (param) => `EXISTS (SELECT 1 FROM access_tokens t JOIN staff s ON s.id = t.staff_id
        WHERE t.token_hash = ${param(tokenHash)} AND t.revoked_at IS NULL AND t.expires_at > ${param(now)}
          AND NOT s.disabled AND s.role = ANY (${param(roles)}::text[]))`,
      confirm: async () => {
        check(await authenticateTokenHash(deps.db, deps, tokenHash));
      },
    };
  };
}

/** One request's gate, for callers outside a route (the benchmark's statement-only runs, tests). */
export function accessGate(
  deps: { db: Queryable; clock: Clock },
  authorization: string | undefined,
  anyOf: readonly Permission[],
): AccessGate {
  return accessGates(deps, anyOf)(authorization);
}

/** onRequest hook for a route that checks access in its own statement: the route uses accessGateOf(request). */
export function requireStaffInStatement(ctx: ShopContext, anyOf: readonly Permission[]) {
  const gateFor = accessGates(ctx, anyOf);
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    request.accessGate = gateFor(request.headers.authorization);
  };
}

/** The principal set by requireStaff; a route without the guard that calls this is a bug. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route is missing its requireStaff guard');
  return request.principal;
}

/** The gate set by requireStaffInStatement; a route without that guard that calls this is a bug. */
export function accessGateOf(request: FastifyRequest): AccessGate {
  if (!request.accessGate) throw new Error('route is missing its requireStaffInStatement guard');
  return request.accessGate;
}

/** Who made a request, for audit events. */
export function requestOrigin(request: FastifyRequest): { ip: string; userAgent: string | null } {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
}
