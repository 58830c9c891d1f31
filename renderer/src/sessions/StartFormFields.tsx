import type { AssistPolicy } from '../../../shared/api/settings';
import type { Customer, Store } from '../../../shared/api/shop';
import { ConsentCodeSteps } from '../ui/ConsentCodeSteps';
import { START_LIMITS, type StepUpValue } from './start-rules';
import type { StartFormState } from './useStartForm';

/**
 * The start-session form's field groups. Each takes `id`, the form's id that every element id
 * starts with (`${id}-reason`, `${id}-reason-error` …), and the form from useStartForm.
 */
interface FieldsProps {
  id: string;
  form: StartFormState;
}

/** `alert`: the shop's answer to a submit, announced as it arrives (the form's own problems are not). */
function FieldError({ id, message, alert = false }: { id: string; message: string | undefined; alert?: boolean }) {
  return message ? (
    <p id={id} className="field-error" role={alert ? 'alert' : undefined}>
      {message}
    </p>
  ) : null;
}

function storeHint(manual: boolean, accountId: string, autoChoice: string | null): string {
  // The customer's latest activity says why this store: one line the agent can check with the caller.
  if (!manual && autoChoice) return autoChoice;
  if (!manual) return 'Chosen automatically; change it if the customer is calling about another store.';
  return accountId === ''
    ? 'The shop asks you to choose the store.'
    : 'The shop asks you to choose the store: check it is the one the customer is calling about.';
}

export function StoreField({
  id,
  form,
  customer,
  stores,
  policy,
}: FieldsProps & { customer: Customer; stores: readonly Store[]; policy: AssistPolicy }) {
  const { accountId } = form.draft;
  const problem = form.shown('account');
  const storeName = (storeId: string) => stores.find((s) => s.id === storeId)?.name;
  return (
    <>
      <label htmlFor={`${id}-account`}>Store</label>
      {customer.accounts.length === 0 ? (
        <p className="error-note">This customer has no store account to assist in.</p>
      ) : (
        <select
          id={`${id}-account`}
          value={accountId}
          onChange={(e) => {
            form.patch({ accountId: e.target.value });
          }}
          aria-invalid={Boolean(problem)}
          aria-describedby={problem ? `${id}-account-error` : undefined}
          autoFocus={accountId === ''}
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
        <p className="muted small">{storeHint(policy.storeSelection === 'manual', accountId, form.autoChoice)}</p>
      )}
      <FieldError id={`${id}-account-error`} message={problem ?? form.server.accountId} />
    </>
  );
}

export function ModeField({ form }: { form: StartFormState }) {
  const { mode } = form.draft;
  return (
    <fieldset>
      <legend>Mode</legend>
      <label className="inline">
        <input
          type="radio"
          name="mode"
          value="view"
          checked={mode === 'view'}
          onChange={() => {
            form.patch({ mode: 'view' });
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
          disabled={!form.canAct}
          onChange={() => {
            form.patch({ mode: 'act' });
          }}
        />{' '}
        Act for the customer (cart, checkout, addresses)
      </label>
      {!form.canAct && <p className="muted small">Your role allows view-only sessions.</p>}
    </fieldset>
  );
}

/** The reason for the session (required) and the support ticket, if there is one. */
export function ReasonFields({ id, form, autoFocus }: FieldsProps & { autoFocus: boolean }) {
  const problem = form.shown('reason') ?? form.server.reason;
  return (
    <>
      <label htmlFor={`${id}-reason`}>Reason (required)</label>
      <textarea
        id={`${id}-reason`}
        rows={2}
        value={form.draft.reason}
        maxLength={START_LIMITS.reason.max}
        onChange={(e) => {
          form.patch({ reason: e.target.value });
        }}
        aria-invalid={Boolean(problem)}
        aria-describedby={problem ? `${id}-reason-error` : undefined}
        autoFocus={autoFocus}
      />
      <FieldError id={`${id}-reason-error`} message={problem} />

      <label htmlFor={`${id}-ticket`}>Ticket (optional)</label>
      <input
        id={`${id}-ticket`}
        value={form.draft.ticket}
        maxLength={START_LIMITS.ticket.max}
        onChange={(e) => {
          form.patch({ ticket: e.target.value });
        }}
      />
    </>
  );
}

/** The customer's one-time code; a refusal for consent is shown here in the shop's own words. */
export function ConsentCodeField({ id, form, customerName }: FieldsProps & { customerName: string }) {
  // The shop's refusal says more than the form's own check, until the agent types another code.
  const refused = form.server.consentCode;
  const message = refused ?? form.shown('consentCode');
  return (
    <>
      <label htmlFor={`${id}-consent`}>Customer’s one-time consent code</label>
      <input
        id={`${id}-consent`}
        inputMode="numeric"
        maxLength={6}
        value={form.draft.consentCode}
        onChange={(e) => {
          form.patch({ consentCode: e.target.value.replace(/\D/g, '') });
          if (refused !== undefined) form.start.reset();
        }}
        aria-invalid={Boolean(message)}
        aria-describedby={message ? `${id}-consentCode-error ${id}-consent-help` : `${id}-consent-help`}
      />
      <FieldError id={`${id}-consentCode-error`} message={message} alert={refused !== undefined} />
      <p id={`${id}-consent-help`} className="muted small">
        The customer has no standing consent. <ConsentCodeSteps customerName={customerName} />
      </p>
    </>
  );
}

export function StepUpFields({ id, form, policy }: FieldsProps & { policy: AssistPolicy }) {
  return (
    <StepUpInput id={id} policy={policy} value={form.draft} problem={form.shown('secret')} onChange={form.patch} />
  );
}

/**
 * Step-up: the authenticator code or the password, or the agent's choice when the shop takes
 * either (the start form and "Switch to act" both ask it).
 */
export function StepUpInput({
  id,
  policy,
  value,
  problem,
  onChange,
  autoFocus = false,
}: {
  id: string;
  policy: AssistPolicy;
  value: StepUpValue;
  problem: string | undefined;
  onChange: (change: Partial<StepUpValue>) => void;
  autoFocus?: boolean;
}) {
  const totp = value.method === 'totp';
  return (
    <fieldset>
      <legend>Confirm it is you</legend>
      {policy.stepUpPolicy === 'totp_or_password' && (
        <div className="row">
          {(['totp', 'password'] as const).map((method) => (
            <label className="inline" key={method}>
              <input
                type="radio"
                name={`${id}-method`}
                checked={value.method === method}
                onChange={() => {
                  onChange({ method, secret: '' });
                }}
              />{' '}
              {method === 'totp' ? 'Use authenticator code' : 'Use password'}
            </label>
          ))}
        </div>
      )}
      <label htmlFor={`${id}-secret`}>{totp ? 'Authenticator code' : 'Your password'}</label>
      <input
        id={`${id}-secret`}
        type={totp ? 'text' : 'password'}
        inputMode={totp ? 'numeric' : undefined}
        autoComplete={totp ? 'one-time-code' : 'current-password'}
        maxLength={totp ? 6 : START_LIMITS.password.max}
        value={value.secret}
        autoFocus={autoFocus}
        onChange={(e) => {
          onChange({ secret: totp ? e.target.value.replace(/\D/g, '') : e.target.value });
        }}
        aria-invalid={Boolean(problem)}
        aria-describedby={problem ? `${id}-secret-error` : undefined}
      />
      <FieldError id={`${id}-secret-error`} message={problem} />
    </fieldset>
  );
}
