import { AuditAction } from '../../../shared/api/audit';
import { EndReason } from '../../../shared/api/sessions';
import { StorefrontAction } from '../actions';
import type { HistoryEvent, HistorySession } from '../data/assistance';
import type { Chrome } from '../layout';
import { LocalTime } from '../local-time';
import { placeInWords } from './places';

const END_REASONS: Readonly<Record<EndReason, string>> = {
  ended_by_agent: 'ended by the agent',
  terminated_by_supervisor: 'ended by a supervisor',
  idle_timeout: 'ended after inactivity',
  max_length: 'reached its time limit',
  sign_out: 'ended when the agent signed out',
  app_exit: 'ended when the agent closed the console',
  ended_by_customer: 'ended by you',
  access_revoked: 'ended when the agent’s access was withdrawn',
  console_lost: 'ended when the agent’s console stopped answering',
};

function endReasonLabel(reason: string): string {
  const known = EndReason.safeParse(reason);
  return known.success ? END_REASONS[known.data] : 'ended';
}

/** What each storefront action is called: once done, and as what was tried when it was stopped. */
const ACTION_LABELS: Readonly<Record<StorefrontAction, { done: string; tried: string }>> = {
  'cart.add': { done: 'added a product to your cart', tried: 'add a product to your cart' },
  'cart.update': { done: 'changed a quantity in your cart', tried: 'change a quantity in your cart' },
  'cart.remove': { done: 'removed a product from your cart', tried: 'remove a product from your cart' },
  'address.add': { done: 'added an address', tried: 'add an address' },
  'address.remove': { done: 'removed an address', tried: 'remove an address' },
  'order.place': { done: 'placed an order', tried: 'place an order' },
  'profile.update': { done: 'tried to edit your profile', tried: 'edit your profile' },
  'customer.password_change': { done: 'tried to change your password', tried: 'change your password' },
  'customer.email_change': { done: 'tried to change your email', tried: 'change your email' },
  'payment_method.add': { done: 'tried to add a payment method', tried: 'add a payment method' },
  'payment_method.remove': { done: 'tried to remove a payment method', tried: 'remove a payment method' },
  'customer.consent_change': {
    done: 'tried to change your assistance setting',
    tried: 'change your assistance setting',
  },
  'customer.consent_code': { done: 'tried to create a one-time code', tried: 'create a one-time code' },
  'customer.assist_end': { done: 'tried to end an assisted session', tried: 'end an assisted session' },
  'customer.delete_request': { done: 'tried to delete your account', tried: 'delete your account' },
  'customer.sign_in': { done: 'tried to sign in', tried: 'sign in' },
  'customer.register': { done: 'tried to create an account', tried: 'create an account' },
  'customer.sign_out': { done: 'tried to sign you out', tried: 'sign you out' },
};

/** The label of a recorded action; a name this build does not know (an older log's) is shown as it is. */
export function actionLabel(what: string): string {
  const known = StorefrontAction.safeParse(what);
  return known.success ? ACTION_LABELS[known.data].done : what;
}

function triedLabel(what: string | null): string {
  const known = StorefrontAction.safeParse(what);
  return known.success ? ACTION_LABELS[known.data].tried : 'do something';
}

/** Why a request was stopped, as the refusal reasons (`policy.ts`, `errors.ts`) name it. */
const REFUSAL_REASONS: Readonly<Record<string, string>> = {
  view_mode: 'the session was view only',
  not_allowed_while_assisted: 'only you can do that',
  csrf: 'the form had expired',
  invalid_input: 'what was sent was not valid',
  wrong_store: 'the session was for another store',
  not_found: 'it was not found',
  error: 'the store could not do it',
};

function stoppedBecause(e: HistoryEvent): string {
  if (e.reason) return REFUSAL_REASONS[e.reason] ?? 'it was not allowed';
  if (e.status === 404) return 'there is no such page';
  return e.status === 403 ? 'it was not allowed' : 'the page could not be shown';
}

const times = (count: number | null) => (count !== null && count > 1 ? ` (${count} times)` : '');

/** Every audit action a session's history can hold, in words; the ones with details are worded below. */
const AUDIT_LABELS: Readonly<Record<AuditAction, string>> = {
  'staff.sign_in': 'the agent signed in',
  'staff.sign_in_failed': 'an agent sign-in failed',
  'staff.mfa_failed': 'an agent sign-in failed',
  'staff.locked': 'an agent account was locked',
  'staff.sign_out': 'the agent signed out',
  'staff.token_reuse': 'the agent’s sign-in was withdrawn',
  'staff.step_up': 'the agent confirmed their identity',
  'staff.step_up_failed': 'the agent could not confirm their identity',
  'session.start': 'started the session',
  'session.refused': 'could not start a session',
  'session.handoff_redeemed': 'opened your store account',
  'session.handoff_refused': 'a link to open your account was refused',
  'session.end': 'session ended',
  'session.mode_changed': 'changed what they may do',
  'session.page_view': 'viewed a page',
  'session.action': 'did something',
  'session.action_refused': 'was stopped',
  'customer.consent_granted': 'you allowed assistance',
  'customer.consent_revoked': 'you turned assistance off',
  'customer.consent_code_issued': 'you created a one-time code',
  'customer.consent_code_used': 'used the one-time code you gave',
  'settings.changed': 'the store’s settings changed',
  'access.denied': 'something was not allowed',
};

function describeEvent(e: HistoryEvent): string {
  switch (e.action) {
    case 'session.page_view':
      return e.status !== null && e.status >= 400
        ? `tried to open ${placeInWords(e.path)}, and was stopped: ${stoppedBecause(e)}`
        : `viewed ${placeInWords(e.path, e.title)}`;
    case 'session.action':
      return `${e.what ? actionLabel(e.what) : 'did something'}${e.orderNumber ? ` ${e.orderNumber}` : ''}${e.item ? ` (${e.item})` : ''}`;
    case 'session.action_refused':
      return `tried to ${triedLabel(e.what)}, and was stopped: ${stoppedBecause(e)}${times(e.count)}`;
    case 'session.handoff_refused':
      return `${AUDIT_LABELS['session.handoff_refused']}${times(e.count)}`;
    case 'session.end':
      return `session ${e.reason ? endReasonLabel(e.reason) : 'ended'}`;
    case 'session.mode_changed':
      return e.toMode === 'act'
        ? 'switched the session to shopping for you (cart, checkout, addresses)'
        : e.toMode === 'view'
          ? 'switched the session to view only'
          : AUDIT_LABELS['session.mode_changed'];
    default: {
      const known = AuditAction.safeParse(e.action);
      return known.success ? AUDIT_LABELS[known.data] : 'something else the store recorded';
    }
  }
}

export function SessionHistory({ chrome, session }: { chrome: Chrome; session: HistorySession }) {
  const locale = chrome.store.locale;
  const endedLabel = session.endReason ? endReasonLabel(session.endReason) : 'ended';
  return (
    <details data-testid="assist-history-item">
      <summary>
        <strong>{session.staffName}</strong> · <LocalTime at={session.startedAt} locale={locale} /> ·{' '}
        {session.mode === 'view' ? 'view only' : 'could shop for you'} · {session.storeName}
      </summary>
      <p>
        Reason: {session.reason}
        {session.ticket ? ` (ticket ${session.ticket})` : ''}
      </p>
      <p className="muted">
        Ended:{' '}
        {session.endedAt ? (
          <>
            <LocalTime at={session.endedAt} locale={locale} />, {endedLabel}
          </>
        ) : session.status === 'active' ? (
          'still running'
        ) : (
          'not opened'
        )}
      </p>
      {session.events.length === 0 ? (
        <p className="muted">Nothing was viewed or done.</p>
      ) : (
        <ol className="event-list">
          {session.events.map((e) => (
            <li key={e.seq}>
              <LocalTime at={e.at} locale={locale} /> — {describeEvent(e)}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
