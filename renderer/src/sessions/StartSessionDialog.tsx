import { useId } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { AssistPolicy } from '../../../shared/api/settings';
import type { Customer, Store } from '../../../shared/api/shop';
import { useBridge } from '../bridge/context';
import { useCan } from '../auth/useAuth';
import { useUi } from '../state/context';
import { shopQueries } from '../state/queries';
import type { StartTarget } from '../state/ui-store';
import { ConsentBadge } from '../ui/ConsentBadge';
import { ErrorNote } from '../ui/ErrorNote';
import { bothQueries, QueryState } from '../ui/QueryState';
import { useDialogFocus } from '../ui/useDialogFocus';
import { LiveSessionWarning } from './LiveSessionWarning';
import { ConsentCodeField, ModeField, ReasonFields, StepUpFields, StoreField } from './StartFormFields';
import type { LatestActivity } from './start-rules';
import { useLatestActivity } from './useLatestActivity';
import { useStartForm } from './useStartForm';

/**
 * Follows the shop's assist policy (readable by every staff member): whether the store is chosen
 * for the agent, which proof of identity to ask for and which mode to start in. The shop still
 * decides; a refusal is explained in plain words.
 */
export function StartSessionDialog({ target }: { target: StartTarget }) {
  const bridge = useBridge();
  const customer = useQuery(shopQueries.customer(bridge, target.customerId));
  const stores = useQuery(shopQueries.stores(bridge));
  const policy = useQuery(shopQueries.assistPolicy(bridge));
  const close = useUi((s) => s.closeStart);
  const { ref: dialogRef, onKeyDown } = useDialogFocus(close);
  const canView = useCan('assist.view');
  const activity = useLatestActivity(target.customerId, customer.data, stores.data ?? [], canView);

  return (
    <div className="overlay" onKeyDown={onKeyDown}>
      <div role="dialog" aria-modal="true" aria-labelledby="start-title" className="dialog" ref={dialogRef}>
        <h2 id="start-title">Start assisted session</h2>
        <QueryState
          query={bothQueries(customer, policy)}
          error={(error) => (
            <>
              <ErrorNote error={error} />
              <button type="button" onClick={close}>
                Close
              </button>
            </>
          )}
        >
          {([found, assistPolicy]) =>
            activity.settled ? (
              <StartForm
                target={target}
                customer={found}
                stores={stores.data ?? []}
                policy={assistPolicy}
                latest={activity.latest}
                onClose={close}
              />
            ) : (
              <p className="empty" aria-busy="true">
                Loading…
              </p>
            )
          }
        </QueryState>
      </div>
    </div>
  );
}

interface StartFormProps {
  target: StartTarget;
  customer: Customer;
  stores: Store[];
  policy: AssistPolicy;
  latest: LatestActivity | null;
  onClose: () => void;
}

function StartForm({ target, customer, stores, policy, latest, onClose }: StartFormProps) {
  const id = useId();
  const canView = useCan('assist.view');
  const form = useStartForm({ target, customer, policy, latest, onClose });
  if (!canView) return <NotAllowed onClose={onClose} />;

  const chooseStoreFirst = customer.accounts.length > 0 && form.draft.accountId === '';
  return (
    <form onSubmit={form.submit} noValidate aria-describedby={`${id}-who`}>
      <p id={`${id}-who`}>
        <strong>{customer.name}</strong> <span className="muted">{customer.email}</span>{' '}
        <ConsentBadge consent={customer.consent} />
        {target.from && <span className="muted"> · from {target.from}</span>}
      </p>
      {form.landsOnDocument && target.from && (
        <p className="small muted">The storefront opens on the page of {target.from}.</p>
      )}
      <LiveSessionWarning customerId={customer.id} customerName={customer.name} />
      {form.disabledByShop && (
        <p className="error-note" role="alert">
          Assisted sessions are turned off in the shop’s settings.
        </p>
      )}

      <StoreField id={id} form={form} customer={customer} stores={stores} policy={policy} />
      <ModeField form={form} />
      <ReasonFields id={id} form={form} autoFocus={!chooseStoreFirst} />
      {form.needsConsentCode && <ConsentCodeField id={id} form={form} customerName={customer.name} />}
      <StepUpFields id={id} form={form} policy={policy} />

      <ErrorNote error={form.refusal} prefix="The session was not started." />
      <div className="row end">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="submit"
          className="primary"
          disabled={form.start.isPending || form.disabledByShop || customer.accounts.length === 0}
        >
          {form.start.isPending ? 'Starting…' : 'Start session'}
        </button>
      </div>
    </form>
  );
}

function NotAllowed({ onClose }: { onClose: () => void }) {
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
