import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import type { CustomerSearchResponse } from '../../../shared/api/shop';
import { deferred, refusal, type Handlers } from '../test/fake-bridge';
import { jane, john, signedIn, stores, summary } from '../test/fixtures';
import { renderConsole } from '../test/render';

afterEach(cleanup);

function base(extra: Handlers = {}): Handlers {
  return {
    'auth.state': () => signedIn('agent'),
    'sessions.open': () => [],
    'shop.stores': () => stores,
    'shop.customer': ({ id }) => (id === john.id ? john : jane),
    'shop.documents': () => ({ items: [] }),
    'shop.sessions': () => ({ items: [] }),
    ...extra,
  };
}

const both: CustomerSearchResponse = { items: [summary(jane), summary(john)], nextCursor: null };

describe('customer search', () => {
  it('searches on every keystroke from three characters on, with a consent badge per result', async () => {
    const { fake, user } = renderConsole(base({ 'shop.searchCustomers': () => both }));
    await user.type(await screen.findByRole('combobox', { name: 'Search customers' }), 'jane');
    const list = await screen.findByRole('listbox', { name: 'Customers' });
    expect(within(list).getAllByRole('option')).toHaveLength(2);
    expect(within(list).getByText('Consent until turned off')).toBeTruthy();
    expect(within(list).getByText('No consent')).toBeTruthy();
    // One and two characters are not sent while the agent is still typing.
    expect(fake.callsTo('shop.searchCustomers')).toEqual([
      { q: 'jan', limit: 25 },
      { q: 'jane', limit: 25 },
    ]);
  });

  it('sends a one- or two-character query once the typing pauses', async () => {
    const { fake, user } = renderConsole(
      base({ 'shop.searchCustomers': () => ({ items: [summary(john)], nextCursor: null }) }),
    );
    await user.type(await screen.findByRole('combobox', { name: 'Search customers' }), 'jo');
    expect(await screen.findByText('John Doe')).toBeTruthy();
    expect(fake.callsTo('shop.searchCustomers')).toEqual([{ q: 'jo', limit: 25 }]);
  });

  it('cancels the request for a query the agent has typed past, and keeps the previous results until the next arrive', async () => {
    const smit = deferred<CustomerSearchResponse>();
    const smith = deferred<CustomerSearchResponse>();
    const { fake, user } = renderConsole(
      base({
        'shop.searchCustomers': ({ q }) =>
          q === 'smi' ? { items: [summary(jane)], nextCursor: null } : q === 'smit' ? smit.promise : smith.promise,
      }),
    );
    const input = await screen.findByRole('combobox', { name: 'Search customers' });
    await user.type(input, 'smi');
    const list = await screen.findByRole('listbox', { name: 'Customers' });
    expect(list.getAttribute('data-query')).toBe('smi');
    await user.type(input, 't');
    await user.type(input, 'h');
    const signalOf = (q: string) =>
      fake.calls.find((c) => c.channel === 'shop.searchCustomers' && (c.args as { q: string }).q === q)?.signal;
    await waitFor(() => {
      expect(signalOf('smith')).toBeDefined();
    });
    // The superseded request is aborted; the one on screen's query is not.
    expect(signalOf('smit')?.aborted).toBe(true);
    expect(signalOf('smith')?.aborted).toBe(false);
    // Meanwhile the previous results stay, marked as not yet the answer to what is typed.
    const still = screen.getByRole('listbox', { name: 'Customers' });
    expect(within(still).getByText('Jane Smith')).toBeTruthy();
    expect(still.classList.contains('stale')).toBe(true);
    expect(still.getAttribute('data-query')).toBeNull();
    expect(screen.queryByText('Searching…')).toBeNull();
    // A late answer to the cancelled query never shows; the current one does.
    smit.resolve({ items: [summary(john)], nextCursor: null });
    smith.resolve({ items: [summary(jane), summary(john)], nextCursor: null });
    await waitFor(() => {
      expect(screen.getByRole('listbox', { name: 'Customers' }).getAttribute('data-query')).toBe('smith');
    });
    expect(
      within(screen.getByRole('listbox', { name: 'Customers' }))
        .getAllByRole('option')
        .map((o) => o.querySelector('.result-name')?.textContent),
    ).toEqual(['Jane Smith', 'John Doe']);
    expect(screen.getByRole('listbox', { name: 'Customers' }).classList.contains('stale')).toBe(false);
  });

  it('says which query found nothing, not the one still loading', async () => {
    const later = deferred<CustomerSearchResponse>();
    const { user } = renderConsole(
      base({ 'shop.searchCustomers': ({ q }) => (q === 'nobody' ? { items: [], nextCursor: null } : later.promise) }),
    );
    const input = await screen.findByRole('combobox', { name: 'Search customers' });
    await user.type(input, 'nobody');
    expect(await screen.findByText('No customers match “nobody”.')).toBeTruthy();
    await user.type(input, 'x');
    expect(screen.getByText('No customers match “nobody”.').getAttribute('data-query')).toBeNull();
    expect(screen.queryByText('No customers match “nobodyx”.')).toBeNull();
    later.resolve({ items: [], nextCursor: null });
    expect(await screen.findByText('No customers match “nobodyx”.')).toBeTruthy();
  });

  it('never shows the answer to a query the agent has typed past', async () => {
    const slow = deferred<CustomerSearchResponse>();
    const { fake, user } = renderConsole(
      base({
        'shop.searchCustomers': ({ q }) => (q === 'jo' ? slow.promise : { items: [summary(jane)], nextCursor: null }),
      }),
    );
    const input = await screen.findByRole('combobox', { name: 'Search customers' });
    await user.type(input, 'jo');
    await waitFor(() => {
      expect(fake.callsTo('shop.searchCustomers').map((c) => c.q)).toContain('jo');
    });
    await user.type(input, 'hn doe jane');
    expect(await screen.findByText('Jane Smith')).toBeTruthy();
    slow.resolve({ items: [summary(john)], nextCursor: null });
    await waitFor(() => {
      expect(fake.callsTo('shop.searchCustomers').at(-1)?.q).toBe('john doe jane');
    });
    expect(screen.queryByText('John Doe')).toBeNull();
    expect(screen.getByText('Jane Smith')).toBeTruthy();
  });

  it('shows what matched when it was a document number', async () => {
    const { user } = renderConsole(
      base({
        'shop.searchCustomers': () => ({
          items: [summary(jane, { field: 'order', value: 'US-100000123' })],
          nextCursor: null,
        }),
      }),
    );
    await user.type(await screen.findByRole('combobox', { name: 'Search customers' }), 'US-100000123');
    const option = within(await screen.findByRole('listbox', { name: 'Customers' })).getByRole('option');
    expect(option.textContent).toContain('Matched order US-100000123');
  });

  it('moves with ↑ ↓ and opens the customer with Enter', async () => {
    const { fake, user } = renderConsole(base({ 'shop.searchCustomers': () => both }));
    const input = await screen.findByRole('combobox', { name: 'Search customers' });
    await user.type(input, 'example');
    const options = () => within(screen.getByRole('listbox', { name: 'Customers' })).getAllByRole('option');
    await screen.findByRole('listbox', { name: 'Customers' });
    expect(options()[0]?.getAttribute('aria-selected')).toBe('true');
    await user.keyboard('{ArrowDown}');
    expect(options()[1]?.getAttribute('aria-selected')).toBe('true');
    expect(input.getAttribute('aria-activedescendant')).toBe(options()[1]?.id);
    await user.keyboard('{ArrowDown}{ArrowUp}{ArrowUp}{ArrowDown}{Enter}');
    expect(await screen.findByRole('heading', { name: 'John Doe' })).toBeTruthy();
    expect(fake.callsTo('shop.customer')).toContainEqual({ id: john.id });
  });

  it('comes back to search with / or Ctrl+K from anywhere', async () => {
    const { user } = renderConsole(base({ 'shop.searchCustomers': () => both }), {
      initial: { screen: { name: 'customer', customerId: jane.id } },
    });
    await screen.findByRole('heading', { name: 'Jane Smith' });
    await user.keyboard('/');
    const input = await screen.findByRole('combobox', { name: 'Search customers' });
    expect(document.activeElement).toBe(input);
    input.blur();
    await user.keyboard('{Control>}k{/Control}');
    expect(document.activeElement).toBe(input);
  });

  it('selects the search text with Ctrl+K or ⌘+K, also from a text field and from another screen', async () => {
    const { user } = renderConsole(base({ 'shop.searchCustomers': () => both }), {
      initial: {
        screen: { name: 'customer', customerId: jane.id },
        search: { text: 'jane smith', storeId: '', consent: '' },
      },
    });
    await screen.findByRole('heading', { name: 'Jane Smith' });
    await user.keyboard('{Control>}k{/Control}');
    const input = await screen.findByRole<HTMLInputElement>('combobox', { name: 'Search customers' });
    const selected = () => [document.activeElement === input, input.selectionStart, input.selectionEnd];
    await waitFor(() => {
      expect(selected()).toEqual([true, 0, 'jane smith'.length]);
    });
    // From inside the search box itself (⌘ on a Mac), with the caret at the end.
    input.setSelectionRange(input.value.length, input.value.length);
    await user.keyboard('{Meta>}k{/Meta}');
    expect(selected()).toEqual([true, 0, 'jane smith'.length]);
    input.setSelectionRange(3, 3);
    input.blur();
    await user.keyboard('/');
    expect(selected()).toEqual([true, 0, 'jane smith'.length]);
    // Typing then replaces the last search.
    await user.keyboard('john');
    expect(input.value).toBe('john');
  });

  it('filters by store and consent', async () => {
    const { fake, user } = renderConsole(base({ 'shop.searchCustomers': () => both }));
    await user.type(await screen.findByRole('combobox', { name: 'Search customers' }), 'smith');
    await screen.findByRole('listbox', { name: 'Customers' });
    await user.selectOptions(screen.getByLabelText('Store'), 'EU store');
    await user.selectOptions(screen.getByLabelText('Consent'), 'Granted');
    await waitFor(() => {
      expect(fake.callsTo('shop.searchCustomers').at(-1)).toEqual({
        q: 'smith',
        limit: 25,
        storeId: 'sto_eu',
        consent: 'granted',
      });
    });
  });

  it('has empty, loading and error states', async () => {
    const pending = deferred<CustomerSearchResponse>();
    const { user } = renderConsole(
      base({
        'shop.searchCustomers': ({ q }) => {
          if (q === 'nobody') return { items: [], nextCursor: null };
          if (q === 'slow') return pending.promise;
          throw refusal('internal_error', 'the shop failed', 'shop');
        },
      }),
    );
    expect(await screen.findByText('Start typing to find a customer.')).toBeTruthy();
    const input = screen.getByRole('combobox', { name: 'Search customers' });
    await user.type(input, 'slow');
    expect(await screen.findByText('Searching…')).toBeTruthy();
    await user.clear(input);
    await user.type(input, 'nobody');
    expect(await screen.findByText('No customers match “nobody”.')).toBeTruthy();
    await user.clear(input);
    await user.type(input, 'boom');
    expect((await screen.findByRole('alert')).textContent).toContain('Search failed. the shop failed');
  });
});
