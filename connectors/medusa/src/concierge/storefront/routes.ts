import type { SalesChannelDTO } from '@medusajs/framework/types';
import { consentOf } from '../customers';
import type { Deps } from '../deps';
import type { Origin } from '../router';
import type { LiveSession } from './access';
import { badInput, PageError, pageNotFound } from './errors';
import type { Html } from './html';
import { accountPage, catalogPage, MAX_QUANTITY, orderPage, ordersPage, productPage, type FormContext } from './pages';
import type { ActionKind } from './policy';
import type { StoreApi } from './store-api';

/** One request of a live assisted session in its own store (handle.ts has checked all of that). */
export interface AssistedRequest {
  deps: Deps;
  session: LiveSession;
  store: { name: string; currency: string };
  channel: SalesChannelDTO;
  api: StoreApi;
  origin: Origin;
  /** The store's path, e.g. `/concierge/store/us` (no trailing slash). */
  base: string;
  query: URLSearchParams;
  forms: FormContext;
}

export interface PageResult {
  title: string;
  content: Html;
}

interface PageRoute {
  pattern: RegExp;
  load(r: AssistedRequest, params: string[]): Promise<PageResult>;
}

/** A POST action: a change it may make (`shopping`), or one no assisted session may ever make (`sensitive`). */
export type ActionRoute =
  | {
      path: string;
      name: string;
      kind: 'shopping';
      run(r: AssistedRequest, form: Record<string, string>): Promise<ActionDone>;
    }
  | { path: string; name: string; kind: Exclude<ActionKind, 'shopping'> };

export interface ActionDone {
  /** Where the browser goes next (a path in this store). */
  location: string;
  /** What the audit event records besides the action's name. */
  details: Record<string, unknown>;
}

const productPath = (base: string, handle: string) => `${base}/products/${encodeURIComponent(handle)}`;

async function regionId(r: AssistedRequest): Promise<string | null> {
  return (await r.api.regionFor(r.store.currency))?.id ?? null;
}

async function customerOrder(r: AssistedRequest, id: string) {
  const [order] = await r.deps.orders.listOrders(
    { id, customer_id: r.session.customerId, sales_channel_id: r.channel.id },
    { relations: ['items', 'shipping_address'] },
  );
  return order ?? null;
}

export const PAGES: readonly PageRoute[] = [
  {
    pattern: /^\/$/,
    async load(r) {
      const region = await regionId(r);
      const products = await r.api.listProducts(region);
      return {
        title: 'Products',
        content: catalogPage({ base: r.base, storeName: r.store.name, products, priced: region !== null }),
      };
    },
  },
  {
    pattern: /^\/products\/([^/]+)$/,
    async load(r, [handle = '']) {
      const product = await r.api.productByHandle(handle, await regionId(r));
      if (!product) throw pageNotFound('There is no such product in this store.');
      return { title: product.title, content: productPage({ forms: r.forms, product, notice: r.query.get('notice') }) };
    },
  },
  {
    pattern: /^\/account$/,
    async load(r) {
      const [customer] = await r.deps.customers.listCustomers({ id: r.session.customerId });
      if (!customer) throw pageNotFound('The customer’s account was not found.');
      return {
        title: 'Account',
        content: accountPage({ forms: r.forms, customer, consent: consentOf(customer, r.deps.now()) }),
      };
    },
  },
  {
    pattern: /^\/orders$/,
    async load(r) {
      const orders = await r.deps.orders.listOrders(
        { customer_id: r.session.customerId, sales_channel_id: r.channel.id },
        // Fields named: without `select` this list came back with ids and items only. `total` makes Medusa add the totals.
        {
          select: ['id', 'display_id', 'status', 'created_at', 'currency_code', 'total'],
          relations: ['items'],
          order: { created_at: 'DESC' },
          take: 100,
        },
      );
      return { title: 'Orders', content: ordersPage({ base: r.base, orders }) };
    },
  },
  {
    pattern: /^\/orders\/([^/]+)$/,
    async load(r, [id = '']) {
      // Another customer's order, or one of another store, is "not found" like a missing one.
      const order = /^[A-Za-z0-9_]{1,100}$/.test(id) ? await customerOrder(r, id) : null;
      if (!order) throw pageNotFound('There is no such order for this customer in this store.');
      return { title: `Order #${order.display_id}`, content: orderPage({ base: r.base, order }) };
    },
  },
];

/**
 * The customer's cart per assisted session (session id → Medusa cart id), kept in this process.
 * Why not a cookie: the cart id then never reaches the browser, so an agent cannot point a
 * session at another cart, and there is nothing to check on the way back in. The cost: a
 * restart (or a second Medusa process) starts a new cart, which Medusa keeps as any abandoned
 * cart. Entries die with the process; ended sessions cannot reach theirs (their cookie no longer
 * resolves), and the map is bounded.
 */
const cartBySession = new Map<string, string>();
const MAX_CARTS = 10_000;

function rememberCart(sessionId: string, cartId: string): void {
  cartBySession.delete(sessionId);
  cartBySession.set(sessionId, cartId);
  if (cartBySession.size > MAX_CARTS) cartBySession.delete(cartBySession.keys().next().value as string);
}

async function addToCart(r: AssistedRequest, regionId: string, variantId: string, quantity: number): Promise<string> {
  // A cart Medusa no longer has, or one completed into an order, is replaced by a new one.
  const existing = cartBySession.get(r.session.id);
  if (existing && (await r.api.cartIsOpen(existing))) {
    await r.api.addLineItem(existing, variantId, quantity);
    return existing;
  }
  const cart = await r.api.createCart({
    regionId,
    salesChannelId: r.channel.id,
    email: r.session.customerEmail,
    metadata: { concierge_session_id: r.session.id, concierge_customer_id: r.session.customerId },
  });
  rememberCart(r.session.id, cart.id);
  await r.api.addLineItem(cart.id, variantId, quantity);
  return cart.id;
}

export const ACTIONS: readonly ActionRoute[] = [
  {
    path: '/cart/add',
    name: 'cart.add',
    kind: 'shopping',
    async run(r, form) {
      const handle = form.handle ?? '';
      const quantity = /^\d{1,3}$/.test(form.quantity ?? '') ? Number(form.quantity) : NaN;
      if (!(quantity >= 1 && quantity <= MAX_QUANTITY))
        throw badInput(`Quantity must be a whole number from 1 to ${MAX_QUANTITY}.`);
      const region = await regionId(r);
      if (!region)
        throw new PageError(
          409,
          'Cannot add to the cart',
          'This store has no region in its currency, so it has no cart. Nothing was changed.',
          'invalid_input',
        );
      // The variant must be one of this product's, as this store's channel sells it.
      const product = handle ? await r.api.productByHandle(handle, region) : null;
      const variant = product?.variants?.find((v) => v.id === form.variant_id);
      if (!product || !variant)
        throw new PageError(
          404,
          'Not found',
          'That product is not sold in this store. Nothing was changed.',
          'not_found',
        );
      const cartId = await addToCart(r, region, variant.id, quantity);
      return {
        location: `${productPath(r.base, product.handle)}?notice=added`,
        details: { sku: variant.sku, quantity, cartId, product: product.handle },
      };
    },
  },
  { path: '/account/email', name: 'account.email', kind: 'sensitive' },
  { path: '/account/password', name: 'account.password', kind: 'sensitive' },
  { path: '/account/payment', name: 'account.payment', kind: 'sensitive' },
];
