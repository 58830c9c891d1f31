import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EndReason } from '../../shared/api/sessions';
import type { ShopContext } from '../context';
import { newSecret } from '../lib/ids';
import type { AssistAccess } from './assist-access';
import { customerById, resolveWebSession } from './data/customers';
import { storeByPathSegment } from './data/stores';
import { PageError, pageNotFound } from './errors';
import { ASSIST_COOKIE, CUSTOMER_COOKIE, PRE_COOKIE } from './http';
import type { StoreRow, StorefrontRequestState } from './viewer';

// Cookie secrets are newSecret() values: 43 base64url characters. Anything else is tampered.
const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function cookieOptions(ctx: ShopContext, path: string, sameSite: 'lax' | 'strict') {
  return { path, httpOnly: true, sameSite, secure: ctx.config.publicOrigin.startsWith('https://') } as const;
}

/** `/store/us/cart?x` → the store named by `us`, or a 404 page. */
export async function storeOfRequest(ctx: ShopContext, request: FastifyRequest): Promise<StoreRow> {
  const segment = (request.url.split('?')[0] ?? '').split('/')[2] ?? '';
  const store = await storeByPathSegment(ctx.db, segment);
  if (!store) throw pageNotFound('There is no store at this address.');
  return store;
}

const ENDED_MESSAGES: Readonly<Record<EndReason, string>> = {
  ended_by_agent: 'The agent ended it.',
  terminated_by_supervisor: 'A supervisor ended it.',
  idle_timeout: 'It timed out after a period of inactivity.',
  max_length: 'It reached its maximum length.',
  sign_out: 'The agent signed out.',
  app_exit: 'The agent closed the console.',
  ended_by_customer: 'The customer ended it.',
  access_revoked: 'The agent’s access was withdrawn.',
  console_lost: 'The agent’s console stopped answering.',
};

/**
 * Works out who is looking: an assisted session (its cookie wins over anything else), a
 * signed-in customer of this store, or an anonymous visitor (given a pre-session cookie so
 * sign-in and registration forms carry a CSRF token). An assisted cookie that no longer works
 * is refused at once with a page saying the session ended.
 */
export async function resolveViewer(
  ctx: ShopContext,
  access: AssistAccess,
  request: FastifyRequest,
  reply: FastifyReply,
  store: StoreRow,
): Promise<StorefrontRequestState> {
  const state: StorefrontRequestState = { store, viewer: { kind: 'anonymous' }, cookieSecret: null, audited: false };
  request.storefront = state;
  const assistSecret = request.cookies[ASSIST_COOKIE];
  if (assistSecret !== undefined) {
    const resolved = SECRET_SHAPE.test(assistSecret)
      ? await access.resolveAssistCookie(ctx, assistSecret)
      : ({ ok: false, reason: 'unknown', endReason: null } as const);
    const customer = resolved.ok ? await customerById(ctx.db, resolved.session.customerId) : null;
    if (!resolved.ok || !customer) {
      const why =
        !resolved.ok && resolved.endReason
          ? ((ENDED_MESSAGES as Readonly<Record<string, string>>)[resolved.endReason] ?? '')
          : '';
      throw new PageError(
        403,
        'The assisted session ended',
        `This assisted session has ended and can no longer be used. ${why}`.trim(),
        { clearAssistCookie: true },
      );
    }
    const { session } = resolved;
    state.viewer = {
      kind: 'assisted',
      customer,
      accountId: session.accountId,
      session: {
        id: session.id,
        staffId: session.staffId,
        staffName: session.staffName,
        customerId: session.customerId,
        accountId: session.accountId,
        storeId: session.storeId,
        mode: session.mode,
        reason: session.reason,
        expiresAt: session.expiresAt,
      },
    };
    state.cookieSecret = assistSecret;
    if (session.storeId !== store.id) {
      throw new PageError(403, 'Another store', `This assisted session is for the ${session.storeCode} store only.`, {
        refusal: 'wrong_store',
      });
    }
    return state;
  }
  const customerSecret = request.cookies[CUSTOMER_COOKIE];
  if (customerSecret !== undefined) {
    const web = SECRET_SHAPE.test(customerSecret)
      ? await resolveWebSession(ctx.db, ctx.clock.now(), customerSecret, store.id)
      : null;
    if (web) {
      state.viewer = {
        kind: 'customer',
        customer: web.customer,
        accountId: web.accountId,
        webSessionId: web.webSessionId,
      };
      state.cookieSecret = customerSecret;
      return state;
    }
    void reply.clearCookie(CUSTOMER_COOKIE, { path: store.pathPrefix });
  }
  const pre = request.cookies[PRE_COOKIE];
  if (pre !== undefined && SECRET_SHAPE.test(pre)) {
    state.cookieSecret = pre;
  } else {
    state.cookieSecret = newSecret();
    void reply.setCookie(PRE_COOKIE, state.cookieSecret, cookieOptions(ctx, '/', 'lax'));
  }
  return state;
}
