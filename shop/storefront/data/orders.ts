import type { Queryable } from '../../db/database';
import type { Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import { badInput } from '../errors';
import type { StoreRow } from '../viewer';
import type { Address } from './addresses';
import { clearCart, readCart } from './cart';

export const SHIPPING_METHODS = {
  standard: { label: 'Standard (3–5 business days)', cents: 499, freeFromCents: 5000 },
  express: { label: 'Express (1–2 business days)', cents: 1499, freeFromCents: null },
} as const;
export type ShippingMethod = keyof typeof SHIPPING_METHODS;

export function shippingCents(method: ShippingMethod, subtotalCents: number): number {
  const m = SHIPPING_METHODS[method];
  return m.freeFromCents !== null && subtotalCents >= m.freeFromCents ? 0 : m.cents;
}

/** The payment methods checkout offers; none of them reaches a network. */
export type PaymentChoice = { kind: 'test' } | { kind: 'saved_test_card'; id: string; label: string; last4: string };

export interface PlaceOrderInput {
  store: StoreRow;
  customerId: string;
  accountId: string;
  address: Address;
  shipping: ShippingMethod;
  payment: PaymentChoice;
  /** Set when a staff member places the order in an assisted session. */
  placedBy: { staffId: string; staffName: string; sessionId: string } | null;
}

export interface PlacedOrder {
  id: string;
  number: string;
  invoiceNumber: string;
  totalCents: number;
}

async function nextNumber(tx: Queryable): Promise<number> {
  const result = await tx.query<{ n: number }>("SELECT nextval('storefront_document_number')::bigint AS n");
  const n = result.rows[0]?.n;
  if (n === undefined) throw new Error('no document number');
  return n;
}

/**
 * Turns the account's cart into an order and its invoice (the test payment is captured at
 * once), takes the stock and empties the cart: all in the caller's transaction.
 */
export async function placeOrder(tx: Queryable, clock: Clock, input: PlaceOrderInput): Promise<PlacedOrder> {
  const { store } = input;
  // Lock the products in the cart so two checkouts cannot both take the last item.
  await tx.query(
    'SELECT p.id FROM products p JOIN cart_items i ON i.product_id = p.id WHERE i.account_id = $1 ORDER BY p.id FOR UPDATE OF p',
    [input.accountId],
  );
  const cart = await readCart(tx, input.accountId, store.currency);
  if (cart.lines.length === 0) throw badInput('Your cart is empty, so there is nothing to order.');
  for (const line of cart.lines) {
    if (line.quantity > line.stock)
      throw badInput(`Only ${line.stock} of “${line.name}” left in stock; change the quantity in your cart.`);
  }
  const shipping = shippingCents(input.shipping, cart.subtotalCents);
  const totalCents = cart.subtotalCents + shipping;
  const now = clock.now();
  const orderId = newId('doc');
  const number = `O-${await nextNumber(tx)}`;
  const invoiceId = newId('doc');
  const invoiceNumber = `I-${await nextNumber(tx)}`;
  // The same shapes as the seeded documents (shop/seed/demo.ts), so one reader shows both.
  const lines = cart.lines.map((l) => ({
    productId: l.productId,
    sku: l.sku,
    name: l.name,
    qty: l.quantity,
    unitPriceCents: l.unitCents,
  }));
  const paymentMethod =
    input.payment.kind === 'test'
      ? 'Test payment (no charge)'
      : `${input.payment.label} •••• ${input.payment.last4} (test card)`;
  const a = input.address;
  const shippingAddress = {
    name: a.fullName,
    line1: a.line1,
    line2: a.line2,
    city: a.city,
    region: null,
    postcode: a.postalCode,
    country: a.country,
    phone: a.phone,
  };
  const shippingMethod = { code: input.shipping, name: SHIPPING_METHODS[input.shipping].label, priceCents: shipping };
  const placedBy = input.placedBy ? { placedBy: input.placedBy } : {};
  const orderData = {
    lines,
    subtotalCents: cart.subtotalCents,
    shippingCents: shipping,
    shippingAddress,
    shippingMethod,
    paymentMethod,
    ...placedBy,
  };
  const invoiceData = {
    lines,
    subtotalCents: cart.subtotalCents,
    shippingCents: shipping,
    paymentMethod,
    paymentReference: newId('pay'),
    billingAddress: shippingAddress,
    ...placedBy,
  };
  const insert = `INSERT INTO documents (id, type, number, customer_id, account_id, store_id, order_id, status, total_cents, currency, created_at, placed_by_staff_id, assist_session_id, data)
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;
  const staffId = input.placedBy?.staffId ?? null;
  const sessionId = input.placedBy?.sessionId ?? null;
  await tx.query(insert, [
    orderId,
    'order',
    number,
    input.customerId,
    input.accountId,
    store.id,
    null,
    'processing',
    totalCents,
    store.currency,
    now,
    staffId,
    sessionId,
    JSON.stringify(orderData),
  ]);
  await tx.query(insert, [
    invoiceId,
    'invoice',
    invoiceNumber,
    input.customerId,
    input.accountId,
    store.id,
    orderId,
    'paid',
    totalCents,
    store.currency,
    now,
    staffId,
    sessionId,
    JSON.stringify(invoiceData),
  ]);
  for (const line of cart.lines)
    await tx.query('UPDATE products SET stock = stock - $2 WHERE id = $1', [line.productId, line.quantity]);
  await clearCart(tx, input.accountId);
  return { id: orderId, number, invoiceNumber, totalCents };
}
