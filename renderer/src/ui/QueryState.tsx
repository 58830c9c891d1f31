import type { ReactNode } from 'react';
import { BridgeError } from '../bridge/errors';
import { ErrorNote } from './ErrorNote';

/** What QueryState reads of a query; react-query's result is one, and so is `bothQueries(a, b)`. */
export type QueryView<T> = { status: 'pending' } | { status: 'error'; error: Error } | { status: 'success'; data: T };

interface QueryStateProps<T> {
  query: QueryView<T>;
  /** Shown until the first answer; "Loading…" unless given. */
  pending?: ReactNode;
  /** Shown when the query failed; the error in plain words unless given. */
  error?: (error: Error) => ReactNode;
  /**
   * Shown instead of `error` when the shop refused because of the staff member's role: what a
   * role simply cannot see is a fact about the role, not a failure.
   */
  forbidden?: ReactNode;
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
  forbidden,
  empty,
  isEmpty,
  children,
}: QueryStateProps<T>): ReactNode {
  switch (query.status) {
    case 'pending':
      return pending;
    case 'error':
      return forbidden !== undefined && isForbidden(query.error) ? forbidden : error(query.error);
    case 'success':
      return isEmpty?.(query.data) ? empty : children(query.data);
  }
}

/** The shop refused the call because the staff member's role lacks a permission. */
export function isForbidden(error: unknown): boolean {
  return error instanceof BridgeError && error.code === 'permission_denied';
}

/** Two queries as one: pending while either is, failed when either failed (the first one's error), else both answers. */
export function bothQueries<A, B>(first: QueryView<A>, second: QueryView<B>): QueryView<readonly [A, B]> {
  if (first.status === 'pending' || second.status === 'pending') return { status: 'pending' };
  if (first.status === 'error') return first;
  if (second.status === 'error') return second;
  return { status: 'success', data: [first.data, second.data] };
}
