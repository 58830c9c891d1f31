import { useId, useState, type SyntheticEvent } from 'react';
import type { AssistPolicy, SessionMode } from '../../../shared/api/settings';
import type { Customer, Store } from '../../../shared/api/shop';
import { useIpcMutation, useIpcQuery } from '../bridge/context';
import { fieldMessages } from '../bridge/errors';
import { useCan } from '../auth/useAuth';
import { useUi } from '../state/context';
import type { StartTarget } from '../state/ui-store';
import { ConsentBadge } from '../ui/ConsentBadge';
import { ErrorNote } from '../ui/ErrorNote';
import { useDialogFocus } from '../ui/useDialogFocus';
import { useSetOpenSession } from './useOpenSessions';

/**
 * Follows the shop's assist policy (readable by every staff member): whether the store is chosen
 * for the agent, which proof of identity to ask for and which mode to start in. The shop still
 * decides; a refusal is explained in plain words.
 */
export function StartSessionDialog({ target }: { target: StartTarget }) {
  const customer = useIpcQuery('shop.customer', { id: target.customerId });
  const stores = useIpcQuery('shop.stores', {}, { staleTime: 5 * 60_000 });
  const policy = useIpcQuery('shop.assistPolicy', {}, { staleTime: 60_000 });
  const close = useUi((s) => s.closeStart);
  const { ref: dialogRef, onKeyDown } = useDialogFocus(close);

  return (
    <div className="overlay" onKeyDown={onKeyDown}>
      <div role="dialog" aria-modal="true" aria-labelledby="start-title" className="dialog" ref={dialogRef}>
        <h2 id="start-title">Start assisted session</h2>
        {customer.isPending || policy.isPending ? (
          <p className="empty">Loading…</p>
        ) : customer.isError || policy.isError ? (
          <>
            <ErrorNote error={customer.error ?? policy.error} />
            <button type="button" onClick={close}>
              Close
            </button>
          </>
        ) : (
          <StartForm
            target={target}
            customer={customer.data}
            stores={stores.data ?? []}
            policy={policy.data}
            onClose={close}
          />
        )}
      </div>
    </div>
  );
}

/**
 * The account to start in before the agent touches the choice. When the shop wants the agent to
 * choose, nothing is guessed for them, but a store they picked themselves (its own row button)
 * is their choice and stays selected.
 */
function preselectedAccount(policy: AssistPolicy, target: StartTarget, customer: Customer): string {
  const fromTarget = customer.accounts.find((a) => a.id === target.accountId);
  if (policy.storeSelection === 'manual') return target.storeChosen ? (fromTarget?.id ?? '') : '';
  return fromTarget?.id ?? customer.accounts[0]?.id ?? '';
}

function StartForm({
  target,
  customer,
  stores,
  policy,
  onClose,
}: {
  target: StartTarget;
  customer: Customer;
  stores: Store[];
  policy: AssistPolicy;
  onClose: () => void;
}) {
  const id = useId();
  const canView = useCan('assist.view');
  const canAct = useCan('assist.act');
  const show = useUi((s) => s.show);
  const setOpen = useSetOpenSession();

  const manual = policy.storeSelection === 'manual';
  const [accountId, setAccountId] = useState(() => preselectedAccount(policy, target, customer));
  const [mode, setMode] = useState<SessionMode>(policy.defaultMode === 'act' && canAct ? 'act' : 'view');
  const [reason, setReason] = useState('');
  const [ticket, setTicket] = useState('');
  const [consentCode, setConsentCode] = useState('');
  const [method, setMethod] = useState<'totp' | 'password'>(policy.stepUpPolicy === 'password' ? 'password' : 'totp');
  const [secret, setSecret] = useState('');
  const [touched, setTouched] = useState(false);

  const start = useIpcMutation('sessions.start', {
    onSuccess: (open) => {
      setOpen(open);
      onClose();
      show({ name: 'session', sessionId: open.session.id });
    },
  });

  const chooseStoreFirst = customer.accounts.length > 0 && accountId === '';
  const needsConsentCode = customer.consent.status !== 'granted' && policy.consentRequired;
  const storeName = (storeId: string) => stores.find((s) => s.id === storeId)?.name;
  const server = fieldMessages(start.error);
  const problems = {
    account: accountId ? undefined : 'Choose the store to assist in.',
    reason: reason.trim().length >= 3 ? undefined : 'Give a reason (at least 3 characters).',
    consentCode:
      !needsConsentCode || /^\d{6}$/.test(consentCode)
        ? undefined
        : 'Enter the 6-digit code the customer reads to you.',
    secret:
      method === 'totp'
        ? /^\d{6}$/.test(secret)
          ? undefined
          : 'Enter the 6-digit code from your authenticator app.'
        : secret.length > 0
          ? undefined
          : 'Enter your password.',
  };
  const shown = (key: keyof typeof problems) => (touched ? problems[key] : undefined);
  const disabledByShop = !policy.assistanceEnabled;

  function submit(event: SyntheticEvent) {
    event.preventDefault();
    setTouched(true);
    if (Object.values(problems).some(Boolean) || disabledByShop) return;
    start.mutate({
      customerId: customer.id,
      accountId,
      mode,
      reason: reason.trim(),
      ...(ticket.trim() ? { ticket: ticket.trim() } : {}),
      ...(needsConsentCode ? { consentCode } : {}),
      stepUp: method === 'totp' ? { code: secret } : { password: secret },
    });
  }

  if (!canView) {
    return (
      <>
        <p className="error-note" role="alert">
          Your role cannot start assisted sessions. Ask a supervisor if a customer needs help in their account.
        </p>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </>
    );
  }

  const err = (key: string, message: string | undefined) =>
    message ? (
      <p id={`${id}-${key}-error`} className="field-error">
        {message}
      </p>
    ) : null;

  return (
    <form onSubmit={submit} noValidate aria-describedby={`${id}-who`}>
      <p id={`${id}-who`}>
        <strong>{customer.name}</strong> <span className="muted">{customer.email}</span>{' '}
        <ConsentBadge consent={customer.consent} />
        {target.from && <span className="muted"> · from {target.from}</span>}
      </p>
      {disabledByShop && (
        <p className="error-note" role="alert">
          Assisted sessions are turned off in the shop’s settings.
        </p>
      )}

      <label htmlFor={`${id}-account`}>Store</label>
      {customer.accounts.length === 0 ? (
        <p className="error-note">This customer has no store account to assist in.</p>
      ) : (
        <select
          id={`${id}-account`}
          value={accountId}
          onChange={(e) => {
            setAccountId(e.target.value);
          }}
          aria-invalid={Boolean(shown('account'))}
          aria-describedby={shown('account') ? `${id}-account-error` : undefined}
          autoFocus={chooseStoreFirst}
        >
          {accountId === '' && <option value="">Choose a store…</option>}
          {customer.accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {storeName(a.storeId) ?? a.storeCode}
            </option>
          ))}
        </select>
      )}
      {customer.accounts.length > 0 && (
        <p className="muted small">
          {!manual
            ? 'Chosen automatically; change it if the customer is calling about another store.'
            : accountId === ''
              ? 'The shop asks you to choose the store.'
              : 'The shop asks you to choose the store: check it is the one the customer is calling about.'}
        </p>
      )}
      {err('account', shown('account') ?? server.accountId)}

      <fieldset>
        <legend>Mode</legend>
        <label className="inline">
          <input
            type="radio"
            name="mode"
            value="view"
            checked={mode === 'view'}
            onChange={() => {
              setMode('view');
            }}
          />{' '}
          View only
        </label>
        <label className="inline">
          <input
            type="radio"
            name="mode"
            value="act"
            checked={mode === 'act'}
            disabled={!canAct}
            onChange={() => {
              setMode('act');
            }}
          />{' '}
          Act for the customer (cart, checkout, addresses)
        </label>
        {!canAct && <p className="muted small">Your role allows view-only sessions.</p>}
      </fieldset>

      <label htmlFor={`${id}-reason`}>Reason (required)</label>
      <textarea
        id={`${id}-reason`}
        rows={2}
        value={reason}
        maxLength={500}
        onChange={(e) => {
          setReason(e.target.value);
        }}
        aria-invalid={Boolean(shown('reason') ?? server.reason)}
        aria-describedby={(shown('reason') ?? server.reason) ? `${id}-reason-error` : undefined}
        autoFocus={!chooseStoreFirst}
      />
      {err('reason', shown('reason') ?? server.reason)}

      <label htmlFor={`${id}-ticket`}>Ticket (optional)</label>
      <input
        id={`${id}-ticket`}
        value={ticket}
        maxLength={100}
        onChange={(e) => {
          setTicket(e.target.value);
        }}
      />

      {needsConsentCode && (
        <>
          <label htmlFor={`${id}-consent`}>Customer’s one-time consent code</label>
          <input
            id={`${id}-consent`}
            inputMode="numeric"
            maxLength={6}
            value={consentCode}
            onChange={(e) => {
              setConsentCode(e.target.value.replace(/\D/g, ''));
            }}
            aria-invalid={Boolean(shown('consentCode'))}
            aria-describedby={`${id}-consent-help`}
          />
          <p id={`${id}-consent-help`} className="muted small">
            The customer has no standing consent. They find the code under My account → Allow remote shopping
            assistance.
          </p>
          {err('consentCode', shown('consentCode') ?? server.consentCode)}
        </>
      )}

      <fieldset>
        <legend>Confirm it is you</legend>
        {policy.stepUpPolicy === 'totp_or_password' && (
          <div className="row">
            <label className="inline">
              <input
                type="radio"
                name="stepup"
                checked={method === 'totp'}
                onChange={() => {
                  setMethod('totp');
                  setSecret('');
                }}
              />{' '}
              Use authenticator code
            </label>
            <label className="inline">
              <input
                type="radio"
                name="stepup"
                checked={method === 'password'}
                onChange={() => {
                  setMethod('password');
                  setSecret('');
                }}
              />{' '}
              Use password
            </label>
          </div>
        )}
        <label htmlFor={`${id}-secret`}>{method === 'totp' ? 'Authenticator code' : 'Your password'}</label>
        <input
          id={`${id}-secret`}
          type={method === 'totp' ? 'text' : 'password'}
          inputMode={method === 'totp' ? 'numeric' : undefined}
          autoComplete={method === 'totp' ? 'one-time-code' : 'current-password'}
          maxLength={method === 'totp' ? 6 : 1024}
          value={secret}
          onChange={(e) => {
            setSecret(method === 'totp' ? e.target.value.replace(/\D/g, '') : e.target.value);
          }}
          aria-invalid={Boolean(shown('secret'))}
          aria-describedby={shown('secret') ? `${id}-secret-error` : undefined}
        />
        {err('secret', shown('secret'))}
      </fieldset>

      <ErrorNote error={start.error} prefix="The session was not started." />
      <div className="row end">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="submit"
          className="primary"
          disabled={start.isPending || disabledByShop || customer.accounts.length === 0}
        >
          {start.isPending ? 'Starting…' : 'Start session'}
        </button>
      </div>
    </form>
  );
}
