import type { SessionMode } from '../../shared/api/settings';
import { redeemHandoff, resolveAssistCookie } from '../assist/storefront-access';
import type { ShopContext } from '../context';

/** The assisted session as shop/assist/storefront-access reports it. */
export interface LiveSessionView {
  id: string;
  staffId: string;
  staffName: string;
  customerId: string;
  accountId: string;
  storeId: string;
  storeCode: string;
  mode: SessionMode;
  reason: string;
  expiresAt: string;
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
