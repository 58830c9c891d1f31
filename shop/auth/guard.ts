import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Permission } from '../../shared/api/auth';
import type { ShopContext } from '../context';
import { forbidden } from '../lib/errors';
import { authenticate, type Principal } from './tokens';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/**
 * preHandler for API routes: a valid access token and, when given, at least one of `anyOf`.
 * Deny by default: every API route names its guard.
 */
export function requireStaff(ctx: ShopContext, anyOf: readonly Permission[] = []) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const principal = await authenticate(ctx.db, ctx, request.headers.authorization);
    if (anyOf.length > 0 && !anyOf.some((p) => principal.staff.permissions.includes(p))) {
      throw forbidden(`This needs the ${anyOf.join(' or ')} permission.`);
    }
    request.principal = principal;
  };
}

/** The principal set by requireStaff; a route without the guard that calls this is a bug. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route is missing its requireStaff guard');
  return request.principal;
}

/** Who made a request, for audit events. */
export function requestOrigin(request: FastifyRequest): { ip: string; userAgent: string | null } {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
}
