import { redeemHandoff, resolveAssistCookie } from '../assist/storefront-access';
import type { ShopContext } from '../context';
import type { AssistedSession } from './viewer';

/** The assisted session as shop/assist/storefront-access reports it: the viewer's, with its store's code. */
export interface LiveSessionView extends AssistedSession {
  storeCode: string;
}

/** How the storefront redeems handoff codes and checks assisted cookies (shop/assist/storefront-access). */
export interface AssistAccess {
  redeemHandoff(
    ctx: ShopContext,
    code: string,
    origin: { ip: string; userAgent: string | null },
  ): Promise<
    | { ok: true; cookieSecret: string; session: LiveSessionView }
    | { ok: false; reason: 'used' | 'expired' | 'unknown' | 'session_ended' }
  >;
  resolveAssistCookie(
    ctx: ShopContext,
    cookieSecret: string,
  ): Promise<
    { ok: true; session: LiveSessionView } | { ok: false; reason: 'ended' | 'unknown'; endReason: string | null }
  >;
}

/** The shop's own implementation. */
export const shopAssistAccess: AssistAccess = { redeemHandoff, resolveAssistCookie };
