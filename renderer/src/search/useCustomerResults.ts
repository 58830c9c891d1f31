import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useBridge } from '../bridge/context';
import { useUi } from '../state/context';
import { shopQueries } from '../state/queries';
import { useDebounced } from '../ui/useDebounced';
import { SEARCH_IMMEDIATE_MIN_CHARS, SHORT_QUERY_DEBOUNCE_MS } from './timing';

const PAGE = 25;

/**
 * The query to search for: `text` itself when empty or at least SEARCH_IMMEDIATE_MIN_CHARS long,
 * a short one only once it has stayed for SHORT_QUERY_DEBOUNCE_MS (until then the last query stays).
 */
function useSearchQuery(text: string): string {
  return useDebounced(text, SHORT_QUERY_DEBOUNCE_MS, text.length === 0 || text.length >= SEARCH_IMMEDIATE_MIN_CHARS);
}

/**
 * The results for what the agent has typed and filtered by. Each query has its own cache entry
 * (a superseded one is cancelled); the previous answer stays until the next arrives, `stale` while
 * it is not the answer to what is typed.
 */
export function useCustomerResults() {
  const bridge = useBridge();
  const search = useUi((s) => s.search);
  const typed = search.text.trim();
  const text = useSearchQuery(typed);
  const args = {
    q: text,
    limit: PAGE,
    ...(search.storeId ? { storeId: search.storeId } : {}),
    ...(search.consent ? { consent: search.consent } : {}),
  };
  const results = useQuery({
    ...shopQueries.searchCustomers(bridge, args),
    enabled: text.length > 0,
    placeholderData: keepPreviousData,
  });
  const items = text.length > 0 ? (results.data?.items ?? []) : [];
  // The query whose answer is on screen (the previous one while the next is loading).
  const [answered, setAnswered] = useState(text);
  if (results.data && !results.isPlaceholderData && answered !== text) setAnswered(text);
  return {
    /** The query sent (empty: nothing searched). */
    text,
    results,
    items,
    answered,
    /** Changes with every new query or filter: the keyboard selection starts again at the top. */
    resultsKey: JSON.stringify(args),
    stale: results.isPlaceholderData || text !== typed,
  };
}
