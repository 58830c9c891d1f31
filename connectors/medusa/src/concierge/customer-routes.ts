import type { CustomerDTO, OrderDTO } from '@medusajs/framework/types';
import {
  AssistPolicy,
  CustomerSearchQuery,
  DocumentsQuery,
  Settings,
  type ShopDocumentDetail,
} from '../protocol/protocol';
import { appendAudit, staffActor } from './audit/append';
import { customerOf, customerOrders, documentOf, ORDER_FIELDS, searchCustomers } from './customers';
import type { Deps } from './deps';
import { notFound } from './errors';
import { idParam, route } from './router';
import { settle } from './sessions/routes';
import { loadSession } from './sessions/row';
import { loadSettings, saveSettings } from './settings';
import { listStores } from './stores';

async function customerById(deps: Deps, id: string): Promise<CustomerDTO> {
  const [customer] = await deps.customers.listCustomers({ id });
  if (!customer) throw notFound('customer_not_found', 'No customer has this id');
  return customer;
}

const search = route({
  method: 'GET',
  path: '/customers',
  access: ['customers.read'],
  query: CustomerSearchQuery,
  async handle({ deps, query }) {
    return { body: await searchCustomers(deps, query) };
  },
});

const read = route({
  method: 'GET',
  path: '/customers/:id',
  access: ['customers.read'],
  async handle({ deps, params }) {
    const id = idParam(params, 'id');
    const stores = (await listStores(deps)).map((s) => s.store);
    return { body: customerOf(await customerById(deps, id), stores, deps.now()) };
  },
});

const documents = route({
  method: 'GET',
  path: '/customers/:id/documents',
  access: ['customers.read'],
  query: DocumentsQuery,
  async handle({ deps, params, query }) {
    const id = idParam(params, 'id');
    await customerById(deps, id);
    if (query.type && query.type !== 'order') return { body: { items: [] } };
    return { body: { items: (await customerOrders(deps, id, query.limit)).map((order) => documentOf(order)) } };
  },
});

function detailOf(order: OrderDTO, storeCode: string): ShopDocumentDetail {
  const address = order.shipping_address;
  const lines = (order.items ?? []).map((item) => ({
    sku: item.variant_sku ?? item.variant_id ?? item.id,
    name: item.title,
    quantity: Number(item.quantity),
    unitCents: Math.round(Number(item.unit_price) * 100),
  }));
  const subtotal = lines.reduce((sum, line) => sum + (line.unitCents ?? 0) * line.quantity, 0);
  return {
    ...documentOf(order),
    storeCode,
    lines,
    subtotalCents: subtotal,
    shippingCents: null,
    shippingAddress: address
      ? {
          name: [address.first_name, address.last_name].filter(Boolean).join(' '),
          line1: address.address_1 ?? '',
          line2: address.address_2 ?? null,
          city: address.city ?? '',
          region: address.province ?? null,
          postalCode: address.postal_code ?? '',
          country: (address.country_code ?? '').toUpperCase(),
          phone: address.phone ?? null,
        }
      : null,
    billingAddress: null,
    shippingMethod: null,
    paymentMethod: null,
    tracking: null,
    reason: null,
    related: [],
  };
}

const document = route({
  method: 'GET',
  path: '/customers/:id/documents/:documentId',
  access: ['customers.read'],
  async handle({ deps, params }) {
    const id = idParam(params, 'id');
    const documentId = idParam(params, 'documentId');
    const [order] = await deps.orders.listOrders(
      { id: documentId, customer_id: id },
      { select: ORDER_FIELDS, relations: ['items', 'shipping_address'] },
    );
    if (!order) throw notFound('document_not_found', 'This customer has no such document');
    const store = (await listStores(deps)).find((s) => s.store.id === order.sales_channel_id);
    return { body: detailOf(order, store?.store.code ?? '') };
  },
});

const activeSessions = route({
  method: 'GET',
  path: '/customers/:id/active-sessions',
  access: ['assist.view', 'assist.act'],
  async handle({ deps, params }) {
    const id = idParam(params, 'id');
    await customerById(deps, id);
    const items = await deps.db.transaction(async (tx) => {
      const live = await tx.query<{ id: string }>(
        "SELECT id FROM concierge_session WHERE customer_id = ? AND status <> 'ended' ORDER BY started_at, id LIMIT 50",
        [id],
      );
      const out = [];
      for (const { id: sessionId } of live) {
        const row = await loadSession(tx, sessionId, true);
        const settled = row ? await settle(tx, deps, row) : null;
        if (settled && settled.status !== 'ended')
          out.push({ staffName: settled.staff_name, mode: settled.mode, startedAt: settled.started_at.toISOString() });
      }
      return out;
    });
    return { body: { items } };
  },
});

const stores = route({
  method: 'GET',
  path: '/stores',
  access: 'signed_in',
  async handle({ deps }) {
    return { body: (await listStores(deps)).map((s) => s.store) };
  },
});

const policy = route({
  method: 'GET',
  path: '/assist-policy',
  access: 'signed_in',
  async handle({ deps }) {
    return { body: AssistPolicy.parse(await loadSettings(deps.db)) };
  },
});

const readSettings = route({
  method: 'GET',
  path: '/settings',
  access: ['settings.manage'],
  async handle({ deps }) {
    return { body: await loadSettings(deps.db) };
  },
});

const writeSettings = route({
  method: 'PUT',
  path: '/settings',
  access: ['settings.manage'],
  body: Settings,
  async handle({ deps, staff, body, origin }) {
    await deps.db.transaction(async (tx) => {
      const before = await loadSettings(tx);
      await saveSettings(tx, body);
      const changed = Object.fromEntries(
        (Object.keys(body) as (keyof Settings)[])
          .filter((k) => before[k] !== body[k])
          .map((k) => [k, { from: before[k], to: body[k] }]),
      );
      await appendAudit(tx, deps.now(), {
        action: 'settings.changed',
        actor: staffActor(staff),
        ip: origin.ip,
        userAgent: origin.userAgent,
        details: { changed },
      });
    });
    return { body };
  },
});

export const customerRoutes = [
  search,
  read,
  documents,
  document,
  activeSessions,
  stores,
  policy,
  readSettings,
  writeSettings,
];
