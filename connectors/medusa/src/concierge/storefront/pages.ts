import type { CustomerDTO, OrderDTO } from '@medusajs/framework/types';
import { html, type Html, type Part } from './html';
import { dateTime, money } from './layout';
import { lockOf, type ActionKind, type SessionMode } from './policy';
import type { StoreProduct, StoreVariant } from './store-api';

/** The page contents (inside the layout). Every value from Medusa or the customer goes in as text. */

/** A customer's consent to assistance, as customers.ts's consentOf reads it. */
export interface Consent {
  status: 'granted' | 'not_granted' | 'expired';
  grantedAt: string | null;
  expiresAt: string | null;
}

/** Notices shown after a redirect: the query only picks one of these fixed texts. */
const NOTICES: Readonly<Record<string, string>> = {
  added: 'Added to the customer’s cart.',
};

export const MAX_QUANTITY = 10;

function notice(key: string | null): Html | null {
  const text = key ? NOTICES[key] : undefined;
  return text ? html`<div class="notice" role="status" data-testid="notice">${text}</div>` : null;
}

/** Forms for this page: where they post, the session's form token and mode (for locking). */
export interface FormContext {
  base: string;
  csrf: string;
  mode: SessionMode;
}

/**
 * A POST form for an action of `kind`. One the session may not send is drawn locked (controls
 * disabled, a hint saying why) so the agent does not click into a refusal; the server refuses
 * such a POST anyway.
 */
function actionForm(
  forms: FormContext,
  action: string,
  kind: ActionKind,
  fields: Part,
  submit: string,
  testId: string,
): Html {
  const lock = lockOf(forms.mode, kind);
  const button = lock
    ? html`<button type="submit" disabled aria-disabled="true" title="${lock.title}" data-testid="${testId}">
          ${submit}</button
        ><span class="hint" title="${lock.title}">${lock.hint}</span>`
    : html`<button type="submit" data-testid="${testId}">${submit}</button>`;
  const inner = html`${fields}
    <p>${button}</p>`;
  return html`<form method="post" action="${forms.base}${action}" class="form">
    <input type="hidden" name="_csrf" value="${forms.csrf}" />
    ${lock ? html`<fieldset class="locked" disabled title="${lock.title}">${inner}</fieldset>` : inner}
  </form>`;
}

const productPath = (base: string, handle: string) => `${base}/products/${encodeURIComponent(handle)}`;

function priceOf(variant: StoreVariant | undefined): string {
  const price = variant?.calculated_price;
  return price ? money(price.calculated_amount, price.currency_code) : 'Price not available';
}

function stockOf(variant: StoreVariant): string {
  if (!variant.manage_inventory) return 'In stock';
  const quantity = variant.inventory_quantity ?? 0;
  return quantity > 0 ? `${quantity} in stock` : 'Out of stock';
}

const thumb = (title: string) => html`<div class="thumb" aria-hidden="true">${title.slice(0, 1).toUpperCase()}</div>`;

export function catalogPage(input: {
  base: string;
  storeName: string;
  products: StoreProduct[];
  priced: boolean;
}): Html {
  const cards = input.products.map(
    (p) =>
      html`<a class="card product" href="${productPath(input.base, p.handle)}" data-testid="product-card">
        ${thumb(p.title)}
        <h3>${p.title}</h3>
        <span class="price">${priceOf(p.variants?.[0])}</span>
      </a>`,
  );
  return html`<h1>${input.storeName}</h1>
    ${input.priced ? '' : html`<p class="muted">No region of this store’s currency was found, so prices cannot be shown.</p>`}
    ${cards.length === 0 ? html`<p class="muted">No products in this store yet.</p>` : html`<div class="grid">${cards}</div>`}`;
}

export function productPage(input: { forms: FormContext; product: StoreProduct; notice: string | null }): Html {
  const { forms, product } = input;
  const variants = product.variants ?? [];
  const first = variants[0];
  const choice =
    variants.length > 1
      ? html`<label for="variant">Variant</label
          ><select id="variant" name="variant_id">
            ${variants.map((v) => html`<option value="${v.id}">${v.title ?? v.sku ?? v.id} — ${priceOf(v)}</option>`)}
          </select>`
      : html`<input type="hidden" name="variant_id" value="${first?.id ?? ''}" />`;
  const fields = html`<input type="hidden" name="handle" value="${product.handle}" />${choice}
    <label for="quantity">Quantity</label>
    <input id="quantity" type="number" name="quantity" value="1" min="1" max="${MAX_QUANTITY}" required />`;
  return html`${notice(input.notice)}
    <p class="muted"><a href="${forms.base}/">Products</a> › ${product.title}</p>
    <div class="layout">
      <div class="card product">${thumb(product.title)}</div>
      <div>
        <h1>${product.title}</h1>
        <p class="price">${priceOf(first)}</p>
        <p>${product.description ?? ''}</p>
        ${variants.map((v) => html`<p class="muted">SKU ${v.sku ?? '—'} · ${stockOf(v)}</p>`)}
        ${first ? actionForm(forms, '/cart/add', 'shopping', fields, 'Add to cart', 'add-to-cart') : html`<p class="muted">Not for sale.</p>`}
      </div>
    </div>`;
}

function consentText(consent: Consent): string {
  if (consent.status === 'granted')
    return `Allowed since ${dateTime(consent.grantedAt)}${consent.expiresAt ? `, until ${dateTime(consent.expiresAt)}` : ''}`;
  if (consent.status === 'expired') return `Expired on ${dateTime(consent.expiresAt)}`;
  return 'Not allowed';
}

export function accountPage(input: { forms: FormContext; customer: CustomerDTO; consent: Consent }): Html {
  const { forms, customer } = input;
  const name = [customer.first_name, customer.last_name].filter(Boolean).join(' ');
  return html`<h1>Account</h1>
    <div class="card">
      <h2>Profile</h2>
      <dl>
        <dt>Name</dt>
        <dd>${name || '—'}</dd>
        <dt>Email</dt>
        <dd>${customer.email ?? '—'}</dd>
        <dt>Phone</dt>
        <dd>${customer.phone ?? '—'}</dd>
        <dt>Customer number</dt>
        <dd>${customer.id}</dd>
        <dt>Customer since</dt>
        <dd>${dateTime(customer.created_at)}</dd>
        <dt>Account</dt>
        <dd>${customer.has_account ? 'Registered' : 'Guest'}</dd>
        <dt>Remote assistance</dt>
        <dd data-testid="consent">${consentText(input.consent)}</dd>
      </dl>
    </div>
    <div class="card">
      <h2>Change email</h2>
      ${actionForm(
        forms,
        '/account/email',
        'sensitive',
        html`<label for="email">New email</label><input id="email" type="email" name="email" autocomplete="off" />`,
        'Change email',
        'change-email',
      )}
    </div>
    <div class="card">
      <h2>Change password</h2>
      ${actionForm(
        forms,
        '/account/password',
        'sensitive',
        html`<label for="password">New password</label
          ><input id="password" type="password" name="password" autocomplete="new-password" />`,
        'Change password',
        'change-password',
      )}
    </div>
    <div class="card">
      <h2>Payment details</h2>
      ${actionForm(forms, '/account/payment', 'sensitive', '', 'Update payment details', 'change-payment')}
    </div>`;
}

const orderPath = (base: string, id: string) => `${base}/orders/${encodeURIComponent(id)}`;
const itemCount = (order: OrderDTO) => (order.items ?? []).reduce((sum, item) => sum + Number(item.quantity), 0);

export function ordersPage(input: { base: string; orders: OrderDTO[] }): Html {
  if (input.orders.length === 0)
    return html`<h1>Orders</h1>
      <p class="muted">No orders in this store.</p>`;
  return html`<h1>Orders</h1>
    <table data-testid="orders">
      <thead>
        <tr>
          <th>Order</th>
          <th>Placed</th>
          <th>Status</th>
          <th class="num">Items</th>
          <th class="num">Total</th>
        </tr>
      </thead>
      <tbody>
        ${input.orders.map(
          (o) =>
            html`<tr>
              <td><a href="${orderPath(input.base, o.id)}">#${o.display_id}</a></td>
              <td>${dateTime(o.created_at)}</td>
              <td>${o.status}</td>
              <td class="num">${itemCount(o)}</td>
              <td class="num">${money(o.total, o.currency_code)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

export function orderPage(input: { base: string; order: OrderDTO }): Html {
  const { order } = input;
  const address = order.shipping_address;
  const addressLines = address
    ? [
        [address.first_name, address.last_name].filter(Boolean).join(' '),
        address.address_1,
        address.address_2,
        [address.postal_code, address.city, address.province].filter(Boolean).join(' '),
        address.country_code?.toUpperCase(),
      ].filter((line): line is string => Boolean(line))
    : [];
  return html`<p class="muted"><a href="${input.base}/orders">Orders</a> › #${order.display_id}</p>
    <h1>Order #${order.display_id}</h1>
    <p class="muted">Placed ${dateTime(order.created_at)} · ${order.status}</p>
    <table data-testid="order-items">
      <thead>
        <tr>
          <th>Item</th>
          <th>SKU</th>
          <th class="num">Quantity</th>
          <th class="num">Unit price</th>
          <th class="num">Total</th>
        </tr>
      </thead>
      <tbody>
        ${(order.items ?? []).map(
          (item) =>
            html`<tr>
              <td>${item.title}</td>
              <td>${item.variant_sku ?? '—'}</td>
              <td class="num">${Number(item.quantity)}</td>
              <td class="num">${money(item.unit_price, order.currency_code)}</td>
              <td class="num">
                ${money(item.total ?? Number(item.unit_price) * Number(item.quantity), order.currency_code)}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    <div class="card">
      <dl>
        <dt>Items</dt>
        <dd>${money(order.item_total, order.currency_code)}</dd>
        <dt>Shipping</dt>
        <dd>${money(order.shipping_total, order.currency_code)}</dd>
        <dt>Total</dt>
        <dd class="price">${money(order.total, order.currency_code)}</dd>
        <dt>Ship to</dt>
        <dd>${addressLines.length ? addressLines.map((line) => html`${line}<br />`) : '—'}</dd>
      </dl>
    </div>`;
}
