import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, within } from '@testing-library/react';
import type { Role } from '../../../shared/api/auth';
import { AssistPolicy, DEFAULT_SETTINGS } from '../../../shared/api/settings';
import { refusal, type Handlers } from '../test/fake-bridge';
import { jane, john, order, session, signedIn, stores } from '../test/fixtures';
import { renderConsole } from '../test/render';

afterEach(cleanup);

function handlers(role: Role, extra: Handlers = {}): Handlers {
  return {
    'auth.state': () => signedIn(role),
    'sessions.open': () => [],
    'shop.stores': () => stores,
    'shop.customer': ({ id }) => {
      if (id === jane.id) return jane;
      if (id === john.id) return john;
      throw refusal('customer_not_found', 'no such customer');
    },
    'shop.documents': ({ type }) =>
      type === 'order'
        ? {
            items: [
              order(1),
              order(2, { placedBy: { staffId: 'stf_agent', staffName: 'Agent Demo', sessionId: 'ses_0' } }),
            ],
          }
        : type === 'invoice'
          ? {
              items: [
                order(3, {
                  id: 'inv_1',
                  type: 'invoice',
                  number: 'INV-1',
                  orderId: 'doc_1',
                  orderNumber: 'US-10000001',
                }),
              ],
            }
          : type === 'shipment'
            ? {
                items: [
                  order(4, {
                    id: 'shp_1',
                    type: 'shipment',
                    number: 'SHP-1',
                    totalCents: 0,
                    orderId: 'doc_1',
                    orderNumber: 'US-10000001',
                  }),
                ],
              }
            : { items: [] },
    'shop.sessions': () => ({
      items: [session({ status: 'ended', endReason: 'terminated_by_supervisor', ticket: 'T-42' })],
    }),
    'shop.assistPolicy': () => AssistPolicy.parse(DEFAULT_SETTINGS),
    ...extra,
  };
}

const at = (customerId: string) => ({ initial: { screen: { name: 'customer' as const, customerId } } });

describe('customer', () => {
  it('shows the profile, accounts per store, consent, documents and past sessions', async () => {
    const { user } = renderConsole(handlers('agent'), at(jane.id));
    expect(await screen.findByRole('heading', { name: 'Jane Smith' })).toBeTruthy();
    expect(screen.getByText('jane@example.com')).toBeTruthy();
    expect(screen.getByText('C-100001')).toBeTruthy();
    expect(screen.getByText('Consent until turned off')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Start session in US store' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Start session in EU store' })).toBeTruthy();
    expect(await screen.findByText('US-10000001')).toBeTruthy();
    expect(screen.getByText('Agent Demo (assisted)')).toBeTruthy();
    await user.click(screen.getByRole('tab', { name: 'Invoices' }));
    expect(await screen.findByText('INV-1')).toBeTruthy();
    // Who placed it is an order's question; an invoice was not placed by anyone.
    expect(screen.queryByRole('columnheader', { name: 'Placed by' })).toBeNull();
    await user.click(screen.getByRole('tab', { name: 'Shipments' }));
    const shipment = (await screen.findByText('SHP-1')).closest('tr');
    expect(shipment?.textContent).toContain('—');
    expect(shipment?.textContent).not.toContain('0.00');
    await user.click(screen.getByRole('tab', { name: 'Credit memos' }));
    expect(await screen.findByText('No credit memos.')).toBeTruthy();
    const sessions = screen.getByRole('heading', { name: 'Assisted sessions' }).parentElement;
    expect(sessions?.textContent).toContain('ended by a supervisor');
    expect(sessions?.textContent).toContain('T-42');
  });

  it('guides the agent to ask for a one-time code when there is no consent', async () => {
    renderConsole(handlers('agent'), at(john.id));
    expect(await screen.findByText('No consent')).toBeTruthy();
    expect(screen.getByText(/read you the one-time code/)).toBeTruthy();
  });

  it('says when consent has expired', async () => {
    const expired = {
      ...jane,
      consent: {
        status: 'expired' as const,
        grantedAt: '2026-01-01T00:00:00.000Z',
        expiresAt: '2026-01-08T00:00:00.000Z',
      },
    };
    renderConsole(handlers('agent', { 'shop.customer': () => expired }), at(jane.id));
    expect(await screen.findByText(/Consent expired/)).toBeTruthy();
    expect(screen.getByText(/consent has expired/)).toBeTruthy();
  });

  it("starts a session from a store row as the agent's own choice of that store", async () => {
    const { store, user } = renderConsole(handlers('agent'), at(jane.id));
    await user.click(await screen.findByRole('button', { name: 'Start session in EU store' }));
    expect(store.getState().startTarget).toEqual({ customerId: jane.id, accountId: 'acc_jane_eu', storeChosen: true });
  });

  it('starts a session from a document with its store', async () => {
    const { store, user } = renderConsole(handlers('agent'), at(jane.id));
    await user.click(await screen.findByRole('button', { name: 'Start session from order US-10000002' }));
    expect(store.getState().startTarget).toEqual({
      customerId: jane.id,
      accountId: 'acc_jane_us',
      from: 'order US-10000002',
      documentId: 'doc_2',
    });
    const dialog = await screen.findByRole('dialog', { name: 'Start assisted session' });
    expect(within(dialog).getByText(/from order US-10000002/)).toBeTruthy();
  });

  it('offers no session to a trainee', async () => {
    renderConsole(handlers('trainee'), at(jane.id));
    expect(await screen.findByText(/cannot start assisted sessions/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Start session/ })).toBeNull();
  });

  it('shows a trainee what their role does not show as a quiet line, not an error, without asking the shop', async () => {
    const { fake } = renderConsole(handlers('trainee'), at(jane.id));
    expect(await screen.findByText('Your role does not show past sessions.')).toBeTruthy();
    expect(fake.callsTo('shop.sessions')).toHaveLength(0);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('turns a permission refusal for documents into a quiet line', async () => {
    renderConsole(
      handlers('trainee', {
        'shop.documents': () => {
          throw refusal('permission_denied', 'Your role cannot read documents.');
        },
      }),
      at(jane.id),
    );
    expect(await screen.findByText('Your role does not show orders.')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('still shows other failures of a panel as errors', async () => {
    renderConsole(
      handlers('agent', {
        'shop.sessions': () => {
          throw refusal('rate_limited', 'slow down');
        },
      }),
      at(jane.id),
    );
    expect((await screen.findByRole('alert')).textContent).toContain('Too many requests');
  });

  it('quotes the storefront for how a customer gets a one-time code', async () => {
    renderConsole(handlers('agent'), at(john.id));
    const guidance = (await screen.findByText(/has not allowed assistance/)).textContent;
    expect(guidance).toContain(
      'Ask them to sign in to the store, open John’s account at the top of the page, then Assistance, press Get a one-time code',
    );
  });

  it('explains a customer that no longer exists', async () => {
    renderConsole(handlers('agent'), at('cus_gone'));
    expect((await screen.findByRole('alert')).textContent).toContain('no longer exists');
  });
});
