import { memo, useCallback, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { keepPreviousData } from '@tanstack/react-query';
import type { CustomerSummary } from '../../../shared/api/shop';
import { useIpcQuery } from '../bridge/context';
import { useUi } from '../state/context';
import { ConsentBadge } from '../ui/ConsentBadge';
import { ErrorNote } from '../ui/ErrorNote';
import { useDebounced } from '../ui/useDebounced';
import { matchLabel } from './matchLabel';
import { SEARCH_IMMEDIATE_MIN_CHARS, SHORT_QUERY_DEBOUNCE_MS } from './timing';

export const SEARCH_INPUT_ID = 'customer-search';
const PAGE = 25;

/**
 * The query to search for: `text` itself when empty or at least SEARCH_IMMEDIATE_MIN_CHARS long,
 * a short one only once it has stayed for SHORT_QUERY_DEBOUNCE_MS (until then the last query stays).
 */
function useSearchQuery(text: string): string {
  return useDebounced(text, SHORT_QUERY_DEBOUNCE_MS, text.length === 0 || text.length >= SEARCH_IMMEDIATE_MIN_CHARS);
}

/**
 * Search as you type. Each query has its own cache entry and a superseded one is cancelled, so an
 * answer to a query the agent has already typed past is never shown. The previous results stay
 * (dimmed when the next ones take more than a moment) until the new ones arrive: the list never
 * flickers to empty between keystrokes.
 */
export function CustomerSearch() {
  const id = useId();
  const search = useUi((s) => s.search);
  const setSearch = useUi((s) => s.setSearch);
  const show = useUi((s) => s.show);
  const typed = search.text.trim();
  const text = useSearchQuery(typed);
  const stores = useIpcQuery('shop.stores', {}, { staleTime: 5 * 60_000 });
  const args = {
    q: text,
    limit: PAGE,
    ...(search.storeId ? { storeId: search.storeId } : {}),
    ...(search.consent ? { consent: search.consent } : {}),
  };
  const results = useIpcQuery('shop.searchCustomers', args, {
    enabled: text.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const items = text.length > 0 ? (results.data?.items ?? []) : [];
  // The query whose answer is on screen (the previous one while the next is loading).
  const [answered, setAnswered] = useState(text);
  if (results.data && !results.isPlaceholderData && answered !== text) setAnswered(text);
  const resultsKey = JSON.stringify(args);
  const [nav, setNav] = useState({ key: '', index: 0 });
  const activeIndex = nav.key === resultsKey ? Math.min(nav.index, Math.max(0, items.length - 1)) : 0;
  const listId = `${id}-results`;
  const optionId = (i: number) => `${id}-option-${i}`;

  const open = useCallback(
    (customer: CustomerSummary) => {
      show({ name: 'customer', customerId: customer.id });
    },
    [show],
  );
  const hover = useCallback(
    (index: number) => {
      setNav({ key: resultsKey, index });
    },
    [resultsKey],
  );

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (items.length === 0) return;
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setNav({ key: resultsKey, index: (activeIndex + step + items.length) % items.length });
    } else if (event.key === 'Enter') {
      const chosen = items[activeIndex];
      if (chosen) {
        event.preventDefault();
        open(chosen);
      }
    } else if (event.key === 'Escape') {
      setSearch({ text: '' });
    }
  }

  const storeCodes = useMemo(() => new Map((stores.data ?? []).map((s) => [s.id, s.code])), [stores.data]);
  const stale = results.isPlaceholderData || text !== typed;

  return (
    <section className="search-screen" aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`} className="visually-hidden">
        Customer search
      </h1>
      <div className="search-bar">
        <label htmlFor={SEARCH_INPUT_ID} className="visually-hidden">
          Search customers
        </label>
        <input
          id={SEARCH_INPUT_ID}
          type="search"
          role="combobox"
          aria-expanded={items.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={items.length > 0 ? optionId(activeIndex) : undefined}
          aria-describedby={`${id}-hint`}
          autoFocus
          autoComplete="off"
          spellCheck={false}
          placeholder="Name, email, phone, customer no., order / invoice / shipment / credit memo no."
          value={search.text}
          onChange={(e) => {
            setSearch({ text: e.target.value });
          }}
          onKeyDown={onKeyDown}
        />
        <label htmlFor={`${id}-store`}>Store</label>
        <select
          id={`${id}-store`}
          value={search.storeId}
          onChange={(e) => {
            setSearch({ storeId: e.target.value });
          }}
        >
          <option value="">All stores</option>
          {(stores.data ?? []).map((store) => (
            <option key={store.id} value={store.id}>
              {store.name}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-consent`}>Consent</label>
        <select
          id={`${id}-consent`}
          value={search.consent}
          onChange={(e) => {
            const value = e.target.value;
            setSearch({ consent: value === 'granted' || value === 'not_granted' ? value : '' });
          }}
        >
          <option value="">Any</option>
          <option value="granted">Granted</option>
          <option value="not_granted">Not granted</option>
        </select>
      </div>
      <p id={`${id}-hint`} className="muted small">
        ↑ ↓ to move, Enter to open. Press / or Ctrl+K anywhere to come back here.
      </p>
      <div className="search-results" aria-live="polite" aria-busy={results.isFetching}>
        {text.length === 0 ? (
          <p className="empty">Start typing to find a customer.</p>
        ) : results.isError ? (
          <ErrorNote error={results.error} prefix="Search failed." />
        ) : results.isPending ? (
          <p className="empty">Searching…</p>
        ) : items.length === 0 ? (
          <p className={`empty${stale ? ' stale' : ''}`} data-query={stale ? undefined : text}>
            No customers match “{answered}”.
          </p>
        ) : (
          <>
            <p className="muted small" role="status">
              {results.data.nextCursor
                ? `First ${items.length} matches — add more to narrow it down.`
                : `${items.length} ${items.length === 1 ? 'match' : 'matches'}`}
            </p>
            <ul
              id={listId}
              role="listbox"
              aria-label="Customers"
              className={`result-list${stale ? ' stale' : ''}`}
              data-query={stale ? undefined : text}
            >
              {items.map((customer, i) => (
                <ResultRow
                  key={customer.id}
                  customer={customer}
                  index={i}
                  id={optionId(i)}
                  active={i === activeIndex}
                  storeCodes={storeCodes}
                  onOpen={open}
                  onHover={hover}
                />
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}

interface ResultRowProps {
  customer: CustomerSummary;
  index: number;
  id: string;
  active: boolean;
  storeCodes: ReadonlyMap<string, string>;
  onOpen: (customer: CustomerSummary) => void;
  onHover: (index: number) => void;
}

/** One result, memoized: moving the selection re-renders two rows, a new answer the rows that changed. */
const ResultRow = memo(function ResultRow({
  customer,
  index,
  id,
  active,
  storeCodes,
  onOpen,
  onHover,
}: ResultRowProps) {
  return (
    <li
      id={id}
      role="option"
      aria-selected={active}
      className={active ? 'active' : undefined}
      onMouseMove={() => {
        if (!active) onHover(index);
      }}
      onClick={() => {
        onOpen(customer);
      }}
    >
      <div className="result-main">
        <span className="result-name">{customer.name}</span>
        <span className="muted">{customer.email}</span>
        {customer.phone && <span className="muted">{customer.phone}</span>}
      </div>
      <div className="result-meta">
        {customer.match && customer.match.field !== 'name' && (
          <span className="match">
            Matched {matchLabel(customer.match.field)} <strong>{customer.match.value}</strong>
          </span>
        )}
        <span className="muted">No. {customer.number}</span>
        <span className="muted">{customer.storeIds.map((s) => storeCodes.get(s) ?? s).join(', ')}</span>
        <ConsentBadge consent={customer.consent} />
      </div>
    </li>
  );
});
