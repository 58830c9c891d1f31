import type { ReactNode } from 'react';
import { ErrorNote } from './ErrorNote';

/** What QueryState reads of a query; react-query's result is one, and so is `bothQueries(a, b)`. */
export type QueryView<T> = { status: 'pending' } | { status: 'error'; error: Error } | { status: 'success'; data: T };

interface QueryStateProps<T> {
  query: QueryView<T>;
  /** Shown until the first answer; "Loading…" unless given. */
  pending?: ReactNode;
  /** Shown when the query failed; the error in plain words unless given. */
  error?: (error: Error) => ReactNode;
  /** Shown instead of `children` when the answer has nothing to show (`isEmpty`). */
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}

/** The ladder every fetched view climbs: loading, failed, nothing to show, or the data. */
export function QueryState<T>({
  query,
  pending = <p className="empty">Loading…</p>,
  error = (e) => <ErrorNote error={e} />,
  empty,
  isEmpty,
  children,
}: QueryStateProps<T>): ReactNode {
  switch (query.status) {
    case 'pending':
      return pending;
    case 'error':
      return error(query.error);
    case 'success':
      return isEmpty?.(query.data) ? empty : children(query.data);
  }
}

/** Two queries as one: pending while either is, failed when either failed (the first one's error), else both answers. */
export function bothQueries<A, B>(first: QueryView<A>, second: QueryView<B>): QueryView<readonly [A, B]> {
  if (first.status === 'pending' || second.status === 'pending') return { status: 'pending' };
  if (first.status === 'error') return first;
  if (second.status === 'error') return second;
  return { status: 'success', data: [first.data, second.data] };
}
