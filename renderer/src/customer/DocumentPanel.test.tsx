import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, within } from '@testing-library/react';
import type { Role } from '../../../shared/api/auth';
import type { ShopDocumentDetail } from '../../../shared/api/shop';
import { refusal, type Handlers } from '../test/fake-bridge';
import { consoleHandlers, jane, openSession, order } from '../test/fixtures';
import { renderConsole } from '../test/render';
import { addressLines } from './DocumentPanel';

afterEach(cleanup);

const address = {
  name: 'Jane Smith',
  line1: '1 Beacon St',
  line2: null,
  city: 'Boston',
  region: 'MA',
  postalCode: '02108',
  country: 'US',
  phone: null,
};

const invoice = order(3, { id: 'inv_1', type: 'invoice', number: 'I-00000001', orderId: 'doc_1', orderNumber: 'O-1' });

const orderDetail: ShopDocumentDetail = {
  ...order(1, { number: 'O-1', status: 'processing', totalCents: 6597 }),
  storeCode: 'us',
  lines: [
    { sku: 'MUG-1', name: 'Enamel mug', quantity: 2, unitCents: 1999 },
    { sku: 'TEE-1', name: 'Cotton tee', quantity: 1, unitCents: 2000 },
  ],
  subtotalCents: 5998,
  shippingCents: 599,
  shippingAddress: address,
  billingAddress: null,
  shippingMethod: 'Standard (3–5 days)',
  paymentMethod: null,
  tracking: null,
  reason: null,
  related: [invoice],
};

const invoiceDetail: ShopDocumentDetail = {
  ...invoice,
  storeCode: 'us',
  lines: orderDetail.lines,
  subtotalCents: 5998,
  shippingCents: 599,
  shippingAddress: null,
  billingAddress: address,
  shippingMethod: null,
  paymentMethod: 'Visa •••• 4242',
  tracking: null,
  reason: null,
  related: [order(1, { number: 'O-1' })],
};

function handlers(role: Role, extra: Handlers = {}): Handlers {
  return consoleHandlers(
    { role },
    {
      'shop.documents': ({ type }) => ({ items: type === 'order' ? [order(1, { number: 'O-1' })] : [] }),
      'shop.document': ({ documentId }) => {
        if (documentId === 'doc_1') return orderDetail;
        if (documentId === 'inv_1') return invoiceDetail;
        throw refusal('document_not_found', 'This customer has no document with this id.');
      },
      ...extra,
    },
  );
}

const atJane = { initial: { screen: { name: 'customer' as const, customerId: jane.id } } };

async function openOrder(role: Role = 'agent', extra: Handlers = {}) {
  const r = renderConsole(handlers(role, extra), atJane);
  const number = await screen.findByRole('button', { name: 'Show order O-1' });
  await r.user.click(number);
  const panel = await screen.findByRole('dialog', { name: 'Order O-1' });
  return { ...r, number, panel: within(panel) };
}

describe('document panel', () => {
  it("shows an order's lines, totals, address and related documents without a session", async () => {
    const { fake, panel } = await openOrder();
    const lines = panel.getByRole('table', { name: 'Lines' });
    expect(
      within(lines)
        .getAllByRole('row')
        .map((r) => r.textContent),
    ).toEqual(['ItemSKUQtyPriceTotal', 'Enamel mugMUG-12$19.99$39.98', 'Cotton teeTEE-11$20.00$20.00']);
    expect(panel.getByTestId('document-total').textContent).toBe('$65.97');
    expect(panel.getByText('Boston, MA 02108')).toBeTruthy();
    expect(panel.getByText('Standard (3–5 days)')).toBeTruthy();
    expect(panel.getByText(/processing/)).toBeTruthy();
    expect(fake.callsTo('shop.document')).toEqual([{ customerId: jane.id, documentId: 'doc_1' }]);
    expect(fake.callsTo('sessions.start')).toHaveLength(0);
  });

  it('opens a related document in the same panel, and its order again', async () => {
    const { panel, user } = await openOrder();
    await user.click(panel.getByRole('button', { name: 'Invoice I-00000001' }));
    const shown = await screen.findByRole('dialog', { name: 'Invoice I-00000001' });
    expect(within(shown).getByText('Visa •••• 4242')).toBeTruthy();
    expect(document.activeElement).toBe(within(shown).getByRole('heading', { name: 'Invoice I-00000001' }));
    await user.click(within(shown).getByRole('button', { name: 'O-1' }));
    expect(await screen.findByRole('dialog', { name: 'Order O-1' })).toBeTruthy();
  });

  it('closes with Escape and gives focus back to the number that opened it', async () => {
    const { number, user } = await openOrder();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(number);
  });

  it("starts a session from the order: its store, and the storefront on the order's page", async () => {
    const { fake, panel, user } = await openOrder('agent', { 'sessions.start': () => openSession() });
    await user.click(panel.getByRole('button', { name: 'Start session from order O-1' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Start assisted session' }));
    expect(dialog.getByLabelText<HTMLSelectElement>('Store').value).toBe('acc_jane_us');
    expect(dialog.getByText('The storefront opens on the page of order O-1.')).toBeTruthy();
    await user.type(dialog.getByLabelText('Reason (required)'), 'Where is my order');
    await user.type(dialog.getByLabelText('Authenticator code'), '123456');
    await user.click(dialog.getByRole('button', { name: 'Start session' }));
    expect(fake.callsTo('sessions.start')[0]).toMatchObject({ accountId: 'acc_jane_us', landingDocumentId: 'doc_1' });
  });

  it("drops the landing page when the agent picks another store than the document's", async () => {
    const { fake, panel, user } = await openOrder('agent', { 'sessions.start': () => openSession() });
    await user.click(panel.getByRole('button', { name: 'Start session from order O-1' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Start assisted session' }));
    await user.selectOptions(dialog.getByLabelText('Store'), 'EU store');
    expect(dialog.queryByText(/opens on the page of/)).toBeNull();
    await user.type(dialog.getByLabelText('Reason (required)'), 'Where is my order');
    await user.type(dialog.getByLabelText('Authenticator code'), '123456');
    await user.click(dialog.getByRole('button', { name: 'Start session' }));
    expect(fake.callsTo('sessions.start')[0]).not.toHaveProperty('landingDocumentId');
  });

  it('shows a trainee the document, with no session to start', async () => {
    const { panel } = await openOrder('trainee');
    expect(panel.getByTestId('document-total').textContent).toBe('$65.97');
    expect(panel.queryByRole('button', { name: /Start session/ })).toBeNull();
  });

  it('prints addresses as their country writes them', () => {
    expect(addressLines(address)).toEqual(['Jane Smith', '1 Beacon St', 'Boston, MA 02108', 'US']);
    expect(addressLines({ ...address, city: 'Berlin', region: null, postalCode: '10115', country: 'DE' })).toContain(
      '10115 Berlin',
    );
  });
});
