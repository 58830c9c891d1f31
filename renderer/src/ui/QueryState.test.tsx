import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { BridgeError } from '../bridge/errors';
import { bothQueries, QueryState, type QueryView } from './QueryState';

afterEach(cleanup);

const refused = new BridgeError({ kind: 'shop', code: 'permission_denied', message: 'permission denied' });
const pending: QueryView<never> = { status: 'pending' };
const failed: QueryView<never> = { status: 'error', error: refused };
const answered = <T,>(data: T): QueryView<T> => ({ status: 'success', data });

function ListState({ query }: { query: QueryView<string[]> }) {
  return (
    <QueryState query={query} isEmpty={(items) => items.length === 0} empty={<p className="empty">Nothing here.</p>}>
      {(items) => (
        <ul>
          {items.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      )}
    </QueryState>
  );
}

describe('QueryState', () => {
  it('says it is loading, then shows the data', () => {
    const { rerender } = render(<ListState query={pending} />);
    expect(screen.getByText('Loading…').className).toBe('empty');
    expect(screen.queryByRole('list')).toBeNull();
    rerender(<ListState query={answered(['Jane', 'John'])} />);
    expect(screen.queryByText('Loading…')).toBeNull();
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Jane', 'John']);
  });

  it('explains a failure in plain words, announced as an alert', () => {
    render(<ListState query={failed} />);
    expect(screen.getByRole('alert').textContent).toBe(
      'Your role does not allow this. Ask a supervisor if you need it.',
    );
    expect(screen.queryByRole('list')).toBeNull();
  });

  it('shows the empty state only when the answer has nothing to show', () => {
    render(<ListState query={answered([])} />);
    expect(screen.getByText('Nothing here.')).toBeTruthy();
    expect(screen.queryByRole('list')).toBeNull();
  });

  it('shows the data when no emptiness is defined, even an empty answer', () => {
    render(<QueryState query={answered('')}>{(text) => <p>answer:{text}</p>}</QueryState>);
    expect(screen.getByText('answer:')).toBeTruthy();
  });

  it('takes its own pending and error views', () => {
    const view = (query: QueryView<string>) => (
      <QueryState
        query={query}
        pending={<p>Searching…</p>}
        error={(error) => <p role="alert">Search failed: {error.message}</p>}
      >
        {(text) => <p>{text}</p>}
      </QueryState>
    );
    const { rerender } = render(view(pending));
    expect(screen.getByText('Searching…')).toBeTruthy();
    rerender(view(failed));
    expect(screen.getByRole('alert').textContent).toBe('Search failed: permission denied');
  });
});

describe('bothQueries', () => {
  const other = new BridgeError({ kind: 'shop', code: 'unauthorized', message: 'unauthorized' });

  it('is pending while either query is, even when the other has failed', () => {
    expect(bothQueries(pending, answered(1)).status).toBe('pending');
    expect(bothQueries(answered(1), pending).status).toBe('pending');
    expect(bothQueries(failed, pending).status).toBe('pending');
  });

  it("fails with the first failed query's error", () => {
    expect(bothQueries(failed, { status: 'error', error: other })).toEqual({ status: 'error', error: refused });
    expect(bothQueries(answered(1), { status: 'error', error: other })).toEqual({ status: 'error', error: other });
  });

  it('answers with both answers, in order', () => {
    expect(bothQueries(answered('customer'), answered(2))).toEqual({ status: 'success', data: ['customer', 2] });
  });
});
