import { useCallback, useId, useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { CustomerSummary } from '../../../shared/api/shop';
import { useBridge } from '../bridge/context';
import { useUi } from '../state/context';
import { shopQueries } from '../state/queries';
import { SearchFilters } from './SearchFilters';
import { SearchResults } from './SearchResults';
import { useCustomerResults } from './useCustomerResults';
import { useResultNavigation } from './useResultNavigation';

export const SEARCH_INPUT_ID = 'customer-search';

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
  const bridge = useBridge();
  const stores = useQuery(shopQueries.stores(bridge));
  const found = useCustomerResults();
  const open = useCallback(
    (customer: CustomerSummary) => {
      show({ name: 'customer', customerId: customer.id });
    },
    [show],
  );
  const nav = useResultNavigation(found.items, found.resultsKey, open, () => {
    setSearch({ text: '' });
  });
  const storeCodes = useMemo(() => new Map((stores.data ?? []).map((s) => [s.id, s.code])), [stores.data]);
  const listId = `${id}-results`;
  const optionId = (i: number) => `${id}-option-${i}`;

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
          aria-expanded={found.items.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={found.items.length > 0 ? optionId(nav.activeIndex) : undefined}
          aria-describedby={`${id}-hint`}
          autoFocus
          autoComplete="off"
          spellCheck={false}
          placeholder="Name, email, phone, customer no., order / invoice / shipment / credit memo no."
          value={search.text}
          onChange={(e) => {
            setSearch({ text: e.target.value });
          }}
          onKeyDown={nav.onKeyDown}
        />
        <SearchFilters id={id} stores={stores.data ?? []} />
      </div>
      <p id={`${id}-hint`} className="muted small">
        ↑ ↓ to move, Enter to open. Press / or Ctrl+K anywhere to come back here.
      </p>
      <div className="search-results" aria-live="polite" aria-busy={found.results.isFetching}>
        <SearchResults
          text={found.text}
          results={found.results}
          items={found.items}
          answered={found.answered}
          stale={found.stale}
          listId={listId}
          optionId={optionId}
          activeIndex={nav.activeIndex}
          storeCodes={storeCodes}
          onOpen={open}
          onHover={nav.hover}
        />
      </div>
    </section>
  );
}
