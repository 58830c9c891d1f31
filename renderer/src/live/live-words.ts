import type { AuditEvent } from '../../../shared/api/audit';
import type { AssistSession } from '../../../shared/api/sessions';
import { actionLabel, detailsSummary } from '../audit/describe';

/** What will end a live session first: its idle timeout or its maximum length. */
export type EndsBy = 'idle' | 'max';

export const ENDS_BY_LABEL: Readonly<Record<EndsBy, string>> = {
  idle: 'idle timeout',
  max: 'maximum length',
};

/** Seconds until the session ends if nothing happens, and which deadline that is (a tie is the maximum length). */
export function timeLeft(
  session: Pick<AssistSession, 'expiresAt' | 'lastActivityAt' | 'idleTimeoutSeconds'>,
  nowMs: number,
): { seconds: number; by: EndsBy } {
  const hardEnd = Date.parse(session.expiresAt);
  const idleEnd = Date.parse(session.lastActivityAt) + session.idleTimeoutSeconds * 1000;
  const by: EndsBy = idleEnd < hardEnd ? 'idle' : 'max';
  return { seconds: Math.max(0, Math.floor((Math.min(hardEnd, idleEnd) - nowMs) / 1000)), by };
}

/** Whole seconds from `iso` to now, never negative (the shop's clock may run slightly ahead). */
export function secondsSince(iso: string, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - Date.parse(iso)) / 1000));
}

// The storefront's actions (shop/storefront/actions.ts) in words; an unknown one reads as its name.
const STOREFRONT_ACTIONS: Readonly<Record<string, string>> = {
  'cart.add': 'added a product to the cart',
  'cart.update': 'changed a cart quantity',
  'cart.remove': 'removed a product from the cart',
  'address.add': 'added an address',
  'address.remove': 'removed an address',
  'order.place': 'placed an order',
  'profile.update': 'updated the profile',
  'customer.password_change': 'changed the password',
  'customer.email_change': 'changed the email address',
  'payment_method.add': 'added a payment method',
  'payment_method.remove': 'removed a payment method',
  'customer.consent_change': 'changed the assistance consent',
  'customer.consent_code': 'asked for a consent code',
  'customer.assist_end': 'ended the assistance',
  'customer.delete_request': 'asked to delete the account',
};

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value : null);

function storefrontAction(name: unknown): string | null {
  const known = text(name);
  return known ? (STOREFRONT_ACTIONS[known] ?? known.replace(/[._]/g, ' ')) : null;
}

/** One timeline line: what happened in words (`what`) and where or why (`detail`). */
export function liveEventWords(event: AuditEvent): { what: string; detail: string } {
  const d = event.details;
  const path = text(d.path) ?? '';
  switch (event.action) {
    case 'session.page_view':
      return { what: `Viewed ${text(d.title) ?? 'a page'}`, detail: path };
    case 'session.action':
      return { what: capitalize(storefrontAction(d.action) ?? 'Took an action'), detail: path };
    case 'session.action_refused': {
      const refused = storefrontAction(d.action);
      const count = typeof d.count === 'number' && d.count > 1 ? ` (${d.count} times)` : '';
      return { what: `Refused${refused ? `: ${refused}` : ''}${count}`, detail: text(d.reason) ?? path };
    }
    case 'session.end':
      return { what: 'Session ended', detail: text(d.note) ?? text(d.reason)?.replace(/_/g, ' ') ?? '' };
    default:
      return { what: actionLabel(event.action), detail: detailsSummary(event) };
  }
}

function capitalize(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1);
}
