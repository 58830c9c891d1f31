import { memo } from 'react';
import type { CustomerSearchResponse, CustomerSummary } from '../../../shared/api/shop';
import { ConsentBadge } from '../ui/ConsentBadge';
import { ErrorNote } from '../ui/ErrorNote';
import { QueryState, type QueryView } from '../ui/QueryState';
import { matchLabel } from './matchLabel';

interface SearchResultsProps {
  /** The query sent; empty when nothing is searched yet. */
  text: string;
  results: QueryView<CustomerSearchResponse>;
  items: readonly CustomerSummary[];
  /** The query whose answer is on screen. */
  answered: string;
  stale: boolean;
  listId: string;
  optionId: (index: number) => string;
  activeIndex: number;
  storeCodes: ReadonlyMap<string, string>;
  onOpen: (customer: CustomerSummary) => void;
  onHover: (index: number) => void;
}

/** What the search found: a hint before typing, progress, a failure, "no match", or the list. */
export function SearchResults({ text, results, items, answered, stale, ...list }: SearchResultsProps) {
  if (text.length === 0) return <p className="empty">Start typing to find a customer.</p>;
  return (
    <QueryState
      query={results}
      pending={<p className="empty">Searching…</p>}
      error={(error) => <ErrorNote error={error} prefix="Search failed." />}
      isEmpty={() => items.length === 0}
      empty={
        <p className={`empty${stale ? ' stale' : ''}`} data-query={stale ? undefined : text}>
          No customers match “{answered}”.
        </p>
      }
    >
      {(data) => (
        <>
          <p className="muted small" role="status">
            {data.nextCursor
              ? `First ${items.length} matches — add more to narrow it down.`
              : `${items.length} ${items.length === 1 ? 'match' : 'matches'}`}
          </p>
          <ul
            id={list.listId}
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
                id={list.optionId(i)}
                active={i === list.activeIndex}
                storeCodes={list.storeCodes}
                onOpen={list.onOpen}
                onHover={list.onHover}
              />
            ))}
          </ul>
        </>
      )}
    </QueryState>
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
