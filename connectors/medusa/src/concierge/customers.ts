import type { CustomerDTO, FilterableOrderProps, OrderDTO } from '@medusajs/framework/types';
import type { Consent, Customer, CustomerSummary, MatchField, ShopDocument, Store } from '../protocol/protocol';
import type { Deps } from './deps';
import { listStores } from './stores';

/** Where a customer's standing consent to assistance is kept: `customer.metadata.concierge_consent`. */
export const CONSENT_METADATA_KEY = 'concierge_consent';

const NO_CONSENT: Consent = { status: 'not_granted', grantedAt: null, expiresAt: null };

export function consentOf(customer: CustomerDTO, now: Date): Consent {
  const raw = customer.metadata?.[CONSENT_METADATA_KEY] as
    { status?: unknown; granted_at?: unknown; expires_at?: unknown } | undefined;
  if (!raw || raw.status !== 'granted' || typeof raw.granted_at !== 'string') return NO_CONSENT;
  const expiresAt = typeof raw.expires_at === 'string' ? raw.expires_at : null;
  const expired = expiresAt !== null && Date.parse(expiresAt) <= now.getTime();
  return { status: expired ? 'expired' : 'granted', grantedAt: raw.granted_at, expiresAt };
}

export const nameOf = (c: CustomerDTO): string =>
  [c.first_name, c.last_name].filter(Boolean).join(' ') || (c.email ?? c.id);

/** A Medusa customer shops in every sales channel: one account per store, whose id is the store's. */
export function customerOf(customer: CustomerDTO, stores: readonly Store[], now: Date): Customer {
  return {
    id: customer.id,
    number: customer.id,
    name: nameOf(customer),
    email: customer.email ?? '',
    phone: customer.phone ?? null,
    createdAt: new Date(customer.created_at).toISOString(),
    accounts: stores.map((s) => ({
      id: s.id,
      storeId: s.id,
      storeCode: s.code,
      createdAt: new Date(customer.created_at).toISOString(),
    })),
    consent: consentOf(customer, now),
  };
}

function summaryOf(
  customer: CustomerDTO,
  stores: readonly Store[],
  now: Date,
  match: CustomerSummary['match'],
): CustomerSummary {
  const full = customerOf(customer, stores, now);
  return {
    id: full.id,
    number: full.number,
    name: full.name,
    email: full.email,
    phone: full.phone,
    storeIds: stores.map((s) => s.id),
    consent: full.consent,
    match,
  };
}

/** An order's number as the console shows and searches it: Medusa's display id. */
export const orderNumber = (order: Pick<OrderDTO, 'display_id'>): string => String(order.display_id);

async function byOrderNumber(deps: Deps, q: string): Promise<{ customerId: string; number: string } | null> {
  const digits = /^#?(\d{1,9})$/.exec(q)?.[1];
  if (!digits) return null;
  // Medusa's `q` search matches display ids as text fragments; the exact number is a filter.
  const [order] = await deps.orders.listOrders({ display_id: Number(digits) } as FilterableOrderProps, {
    select: ['id', 'customer_id', 'display_id'],
  });
  return order?.customer_id ? { customerId: order.customer_id, number: orderNumber(order) } : null;
}

function matchOf(customer: CustomerDTO, q: string): CustomerSummary['match'] {
  const lower = q.toLowerCase();
  const fields: [MatchField, string | null | undefined][] = [
    ['email', customer.email],
    ['phone', customer.phone],
    ['name', nameOf(customer)],
  ];
  for (const [field, value] of fields) if (value && value.toLowerCase().includes(lower)) return { field, value };
  return null;
}

export interface SearchInput {
  q?: string;
  storeId?: string;
  consent?: 'granted' | 'not_granted';
  limit: number;
  cursor?: string;
}

/** Customer search: an order number or customer id exactly, else Medusa's own search over name, email and phone. */
export async function searchCustomers(
  deps: Deps,
  input: SearchInput,
): Promise<{ items: CustomerSummary[]; nextCursor: string | null }> {
  const now = deps.now();
  const stores = (await listStores(deps)).map((s) => s.store).filter((s) => !input.storeId || s.id === input.storeId);
  const q = input.q?.trim() ?? '';
  const skip = Number(input.cursor ?? 0) || 0;
  let found: { customer: CustomerDTO; match: CustomerSummary['match'] }[];
  const order = q ? await byOrderNumber(deps, q) : null;
  if (order) {
    const customers = await deps.customers.listCustomers({ id: order.customerId });
    found = customers.map((customer) => ({ customer, match: { field: 'order', value: order.number } }));
  } else if (/^cus_[A-Za-z0-9]+$/.test(q)) {
    const customers = await deps.customers.listCustomers({ id: q });
    found = customers.map((customer) => ({ customer, match: { field: 'number', value: customer.id } }));
  } else {
    // Medusa matches each field on its own; a full name is found by its first word, then checked whole.
    const words = q.split(/\s+/).filter(Boolean);
    const customers = await deps.customers.listCustomers(words[0] ? { q: words[0] } : {}, {
      take: 500,
      order: { created_at: 'ASC' },
    });
    found = customers
      .filter((c) =>
        words.every((w) => [nameOf(c), c.email ?? '', c.phone ?? ''].join(' ').toLowerCase().includes(w.toLowerCase())),
      )
      .map((customer) => ({ customer, match: q ? matchOf(customer, q) : null }));
  }
  const filtered = found.filter(
    ({ customer }) =>
      !input.consent || (consentOf(customer, now).status === 'granted') === (input.consent === 'granted'),
  );
  const page = filtered.slice(skip, skip + input.limit);
  return {
    items: page.map(({ customer, match }) => summaryOf(customer, stores, now, match)),
    nextCursor: skip + input.limit < filtered.length ? String(skip + input.limit) : null,
  };
}

const cents = (amount: unknown): number => Math.round(Number(amount ?? 0) * 100);

/** A Medusa order as an Assistance API document. */
export function documentOf(order: OrderDTO, placedBy: ShopDocument['placedBy'] = null): ShopDocument {
  const items = order.items ?? [];
  const total = items.reduce((sum, item) => sum + cents(item.unit_price) * Number(item.quantity), 0);
  return {
    id: order.id,
    type: 'order',
    number: orderNumber(order),
    customerId: order.customer_id ?? '',
    accountId: order.sales_channel_id ?? '',
    storeId: order.sales_channel_id ?? '',
    orderId: null,
    orderNumber: null,
    status: order.status,
    totalCents: total,
    currency: order.currency_code.toUpperCase(),
    createdAt: new Date(order.created_at).toISOString(),
    placedBy,
  };
}

/** The order fields a document needs; Medusa returns only what is selected once relations are asked for. */
export const ORDER_FIELDS = [
  'id',
  'display_id',
  'status',
  'currency_code',
  'customer_id',
  'sales_channel_id',
  'created_at',
  'email',
];

export async function customerOrders(deps: Deps, customerId: string, limit: number): Promise<OrderDTO[]> {
  return deps.orders.listOrders(
    { customer_id: customerId },
    { select: ORDER_FIELDS, relations: ['items'], take: limit, order: { created_at: 'DESC' } },
  );
}
