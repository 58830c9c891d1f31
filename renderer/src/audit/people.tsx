import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { AuditFilter } from '../../../shared/ipc/contract';
import type { ConsoleBridge } from '../../../shared/ipc/contract';
import { call } from '../bridge/call';
import { useBridge } from '../bridge/context';
import { auditQueries, shopQueries } from '../state/queries';
import { createLookupQueue, type LookupQueue } from './lookup-queue';
import { useDebounced } from '../ui/useDebounced';
import { PersonPicker, type PersonOption } from './PersonPicker';
import { FILTER_DEBOUNCE_MS } from './timing';

const NAME_KEPT_MS = 5 * 60_000;
const SUGGESTIONS = 8;
/** Name lookups in flight at once per console: the rest of the browser's connections stay free for the viewer's pages. */
const LOOKUPS_AT_ONCE = 2;
const queues = new WeakMap<ConsoleBridge, LookupQueue>();

function lookupQueue(bridge: ConsoleBridge): LookupQueue {
  let queue = queues.get(bridge);
  if (!queue) {
    queue = createLookupQueue(LOOKUPS_AT_ONCE);
    queues.set(bridge, queue);
  }
  return queue;
}

/** A customer as the audit log names them: name and customer number, looked up by id from the shop. */
export function useCustomerLabel(customerId: string | null | undefined): {
  label: string | null;
  failed: boolean;
} {
  const bridge = useBridge();
  const base = shopQueries.customer(bridge, customerId ?? '');
  const customer = useQuery({
    ...base,
    // Same cache entry as the customer page's; fetched through the queue, never many at once.
    queryFn: ({ signal }) =>
      lookupQueue(bridge).run(() => call(bridge, 'shop.customer', { id: customerId ?? '' }, { signal }), signal),
    enabled: Boolean(customerId),
    staleTime: NAME_KEPT_MS,
    retry: false,
  });
  return {
    label: customer.data ? `${customer.data.name} · ${customer.data.number}` : null,
    failed: customer.isError,
  };
}

/** Case and accents do not matter ("jane" finds "Jané"). */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** The customer filter: found by name, number, email or document number through the shop's search. */
export function CustomerFilter({ filter, onPick }: { filter: AuditFilter; onPick: (id: string | undefined) => void }) {
  const bridge = useBridge();
  const [text, setText] = useState<string | null>(null);
  const q = useDebounced(text?.trim() ?? '', FILTER_DEBOUNCE_MS);
  const search = useQuery({
    ...shopQueries.searchCustomers(bridge, { q, limit: SUGGESTIONS }),
    enabled: q.length >= 2,
  });
  const options: PersonOption[] = (q.length >= 2 && text !== null ? (search.data?.items ?? []) : []).map((c) => ({
    id: c.id,
    label: c.name,
    detail: `${c.number} · ${c.email}`,
  }));
  const picked = useCustomerLabel(filter.customerId);
  return (
    <PersonPicker
      label="Customer"
      placeholder="name or number"
      picked={filter.customerId}
      pickedLabel={picked.failed ? 'Unknown customer' : picked.label}
      text={text}
      onText={setText}
      options={options}
      searching={search.isFetching || q !== (text?.trim() ?? '')}
      problem={search.isError ? 'The shop could not be searched' : null}
      onPick={onPick}
    />
  );
}

/** The staff filter: found by name or email in the shop's staff list. */
export function StaffFilter({ filter, onPick }: { filter: AuditFilter; onPick: (id: string | undefined) => void }) {
  const bridge = useBridge();
  const [text, setText] = useState<string | null>(null);
  const directory = useQuery(auditQueries.staff(bridge));
  const staff = directory.data?.staff ?? [];
  const wanted = fold(text?.trim() ?? '');
  const options: PersonOption[] = wanted
    ? staff
        .filter((s) => fold(s.name).includes(wanted) || s.email.includes(wanted))
        .slice(0, SUGGESTIONS)
        .map((s) => ({ id: s.id, label: s.name, detail: s.disabled ? `${s.email} · disabled` : s.email }))
    : [];
  const picked = staff.find((s) => s.id === filter.staffId);
  return (
    <PersonPicker
      label="Staff"
      placeholder="name or email"
      picked={filter.staffId}
      pickedLabel={picked ? picked.name : directory.isPending ? null : 'Unknown staff member'}
      text={text}
      onText={setText}
      options={options}
      searching={directory.isPending}
      problem={directory.isError ? 'The staff list could not be loaded' : null}
      onPick={onPick}
    />
  );
}
