import type { SessionMode } from '../../shared/api/settings';

/**
 * What an assisted session may do. Deny by default: in act mode only shopping (cart, checkout,
 * addresses, placing orders) is allowed; everything that belongs to the customer alone
 * (password, email, payment methods, consent, deletion, profile, signing in or out) is refused
 * whatever the mode; view mode changes nothing at all.
 */
export type ActionScope = 'shopping' | 'customer_only' | 'guest';

export type AssistDecision = { allowed: true } | { allowed: false; reason: 'view_mode' | 'not_allowed_while_assisted' };

export function decideAssistedAction(mode: SessionMode, scope: ActionScope): AssistDecision {
  if (scope !== 'shopping') return { allowed: false, reason: 'not_allowed_while_assisted' };
  if (mode === 'view') return { allowed: false, reason: 'view_mode' };
  return { allowed: true };
}

/**
 * Who may open a page: `public` anyone; `guest` visitors and customers (sign-in, registration);
 * `account` a signed-in customer or an assisted session; `customer_only` the signed-in customer
 * alone: those pages exist to change what only the customer may change.
 */
export type PageScope = 'public' | 'guest' | 'account' | 'customer_only';

export function assistedMayView(scope: PageScope): boolean {
  return scope === 'public' || scope === 'account';
}

/** Whether an anonymous visitor must sign in first. */
export function needsSignIn(scope: PageScope | ActionScope): boolean {
  return scope === 'account' || scope === 'customer_only' || scope === 'shopping';
}

export function refusalMessage(reason: 'view_mode' | 'not_allowed_while_assisted', staffName: string): string {
  return reason === 'view_mode'
    ? `This assisted session is view only: ${staffName} can look but not change anything. Nothing was changed.`
    : `This can only be done by the customer, never during an assisted session. Nothing was changed.`;
}
