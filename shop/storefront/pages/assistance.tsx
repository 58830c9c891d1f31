import { EndReason } from '../../../shared/api/sessions';
import type { Consent } from '../../../shared/api/shop';
import { StorefrontAction } from '../actions';
import { PostForm, type Chrome } from '../layout';
import type { HistoryEvent, HistorySession } from '../data/assistance';
import { formatDateTime } from '../money';

const DURATIONS: [string, string][] = [
  ['1h', '1 hour'],
  ['24h', '24 hours'],
  ['7d', '7 days'],
  ['until_revoked', 'Until I turn it off'],
];

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
  return known.success ? END_REASONS[known.data] : reason.replace(/_/g, ' ');
}

function ConsentStatusLine({ chrome, consent }: { chrome: Chrome; consent: Consent }) {
  const locale = chrome.store.locale;
  if (consent.status === 'granted') {
    return (
      <p data-testid="consent-status">
        <strong>Allowed</strong>{' '}
        {consent.expiresAt ? `until ${formatDateTime(consent.expiresAt, locale)}` : 'until you turn it off'}.
      </p>
    );
  }
  if (consent.status === 'expired')
    return (
      <p data-testid="consent-status">
        <strong>Not allowed</strong>: your permission expired{' '}
        {consent.expiresAt ? formatDateTime(consent.expiresAt, locale) : ''}.
      </p>
    );
  return (
    <p data-testid="consent-status">
      <strong>Not allowed.</strong> Our support team cannot open your account.
    </p>
  );
}

/** What the storefront's actions are called in the customer's history. */
const ACTION_LABELS: Readonly<Record<StorefrontAction, string>> = {
  'cart.add': 'added a product to your cart',
  'cart.update': 'changed a quantity in your cart',
  'cart.remove': 'removed a product from your cart',
  'address.add': 'added an address',
  'address.remove': 'removed an address',
  'order.place': 'placed an order',
  'profile.update': 'tried to edit your profile',
  'customer.password_change': 'tried to change your password',
  'customer.email_change': 'tried to change your email',
  'payment_method.add': 'tried to add a payment method',
  'payment_method.remove': 'tried to remove a payment method',
  'customer.consent_change': 'tried to change your assistance setting',
  'customer.consent_code': 'tried to create a one-time code',
  'customer.delete_request': 'tried to delete your account',
  'customer.sign_in': 'tried to sign in',
  'customer.register': 'tried to create an account',
  'customer.sign_out': 'tried to sign you out',
};

/** The label of a recorded action; a name this build does not know (an older log's) is shown as it is. */
export function actionLabel(what: string): string {
  const known = StorefrontAction.safeParse(what);
  return known.success ? ACTION_LABELS[known.data] : what;
}

function describeEvent(e: HistoryEvent): string {
  const where = e.path ?? '';
  const what = e.what ? actionLabel(e.what) : 'an action';
  switch (e.action) {
    case 'session.page_view':
      return `viewed ${e.title ? `“${e.title}” ` : ''}(${where})${e.status && e.status >= 400 ? `, refused (${e.status})` : ''}`;
    case 'session.action':
      return `${what}${e.orderNumber ? ` ${e.orderNumber}` : ''}${e.item ? ` (${e.item})` : ''}`;
    case 'session.action_refused':
      return `was stopped: ${what.replace(/^tried to /, '')}${e.reason ? ` (${e.reason.replace(/_/g, ' ')})` : ''}${e.count !== null && e.count > 1 ? `, ${e.count} times` : ''}`;
    case 'session.start':
      return 'started the session';
    case 'session.handoff_redeemed':
      return 'opened your store account';
    case 'session.end':
      return `session ended${e.reason ? ` (${endReasonLabel(e.reason)})` : ''}`;
    default:
      return e.action;
  }
}

function SessionHistory({ chrome, session }: { chrome: Chrome; session: HistorySession }) {
  const locale = chrome.store.locale;
  const ended = session.endedAt
    ? `${formatDateTime(session.endedAt, locale)}, ${session.endReason ? endReasonLabel(session.endReason) : 'ended'}`
    : session.status === 'active'
      ? 'still running'
      : 'not opened';
  return (
    <details data-testid="assist-history-item">
      <summary>
        <strong>{session.staffName}</strong> · {formatDateTime(session.startedAt, locale)} ·{' '}
        {session.mode === 'view' ? 'view only' : 'could shop for you'} · store {session.storeCode}
      </summary>
      <p>
        Reason: {session.reason}
        {session.ticket ? ` (ticket ${session.ticket})` : ''}
      </p>
      <p className="muted">Ended: {ended}</p>
      {session.events.length === 0 ? (
        <p className="muted">Nothing was viewed or done.</p>
      ) : (
        <ol className="event-list">
          {session.events.map((e) => (
            <li key={e.seq}>
              {formatDateTime(e.at, locale)} — {describeEvent(e)}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}

export function AssistanceSection({
  chrome,
  consent,
  code,
  activeCodeExpiresAt,
  history,
}: {
  chrome: Chrome;
  consent: Consent;
  code: { code: string; expiresAt: string } | null;
  activeCodeExpiresAt: string | null;
  history: HistorySession[];
}) {
  const locale = chrome.store.locale;
  const allowed = consent.status === 'granted';
  return (
    <>
      <p>
        Let our support team open your account to help you shop: they see what you see, every page and action is
        recorded, and you can read it all below.
      </p>
      <div className="card">
        <h2>Allow remote shopping assistance</h2>
        <ConsentStatusLine chrome={chrome} consent={consent} />
        {allowed ? (
          <PostForm chrome={chrome} action="/account/assistance">
            <input type="hidden" name="allow" value="off" />
            <button type="submit" className="secondary" data-testid="consent-off">
              Turn off
            </button>
          </PostForm>
        ) : null}
        <PostForm chrome={chrome} action="/account/assistance" className="row form">
          <input type="hidden" name="allow" value="on" />
          <div>
            <label htmlFor="duration">{allowed ? 'Change how long' : 'Allow for'}</label>
            <select id="duration" name="duration" defaultValue="1h">
              {DURATIONS.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          </div>
          <div>
            <button type="submit" data-testid="consent-on">
              {allowed ? 'Update' : 'Allow assistance'}
            </button>
          </div>
        </PostForm>
      </div>
      <div className="card">
        <h2>One-time code</h2>
        <p>
          On the phone with us? Read this code to the agent: it lets them help you once, even when assistance is off.
        </p>
        {code ? (
          <p>
            <span className="code" data-testid="consent-code">
              {code.code}
            </span>
            <br />
            <span className="muted">
              Valid until {formatDateTime(code.expiresAt, locale)}. Only this code works; it can be used once.
            </span>
          </p>
        ) : activeCodeExpiresAt ? (
          <p className="muted">
            A code you created is valid until {formatDateTime(activeCodeExpiresAt, locale)}. A new code replaces it.
          </p>
        ) : null}
        <PostForm chrome={chrome} action="/account/assistance/code">
          <button type="submit" data-testid="consent-code-button">
            Get a one-time code
          </button>
        </PostForm>
      </div>
      <h2>Assisted sessions on your account</h2>
      {history.length === 0 ? (
        <p className="muted" data-testid="assist-history-empty">
          Nobody has opened your account.
        </p>
      ) : (
        history.map((s) => <SessionHistory key={s.id} chrome={chrome} session={s} />)
      )}
    </>
  );
}
