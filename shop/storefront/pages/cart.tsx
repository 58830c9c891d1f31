import { href, Money, type Chrome } from '../layout';
import type { Address } from '../data/addresses';
import type { Cart } from '../data/cart';
import { MAX_QUANTITY } from '../data/cart';
import { linesOf, type StoreDocument } from '../data/documents';
import { SHIPPING_METHODS, shippingCents, type ShippingMethod } from '../data/orders';
import type { PaymentMethod } from '../data/payment-methods';
import { ActionForm, Submit } from './action-form';
import { Notice, RemoveButton } from './common';
import { AddressBlock } from './address';
import { HelpedBy } from './documents';

export function CartPage({ chrome, cart, notice }: { chrome: Chrome; cart: Cart; notice: string | undefined }) {
  const { store } = chrome;
  return (
    <>
      <Notice notice={notice} />
      <h1>Your cart</h1>
      {cart.lines.length === 0 ? (
        <p className="muted" data-testid="cart-empty">
          Your cart is empty. <a href={href(store)}>Start shopping</a>.
        </p>
      ) : (
        <>
          <table data-testid="cart-table">
            <thead>
              <tr>
                <th>Product</th>
                <th>Price</th>
                <th>Quantity</th>
                <th className="num">Total</th>
              </tr>
            </thead>
            <tbody>
              {cart.lines.map((line) => (
                <tr key={line.productId}>
                  <td>
                    <a href={href(store, `/product/${line.slug}`)}>{line.name}</a>
                    <div className="muted">{line.sku}</div>
                  </td>
                  <td>
                    <Money cents={line.unitCents} store={store} />
                  </td>
                  <td>
                    <ActionForm chrome={chrome} action="/cart/update" scope="shopping" className="row">
                      <input type="hidden" name="productId" value={line.productId} />
                      <input
                        type="number"
                        name="quantity"
                        defaultValue={String(line.quantity)}
                        min="0"
                        max={String(MAX_QUANTITY)}
                        aria-label={`Quantity of ${line.name}`}
                      />
                      <Submit className="secondary">Update</Submit>
                    </ActionForm>
                    <RemoveButton
                      chrome={chrome}
                      action="/cart/remove"
                      scope="shopping"
                      name="productId"
                      value={line.productId}
                    />
                  </td>
                  <td className="num">
                    <Money cents={line.lineCents} store={store} />
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th colSpan={3}>Subtotal</th>
                <td className="num">
                  <Money cents={cart.subtotalCents} store={store} />
                </td>
              </tr>
            </tfoot>
          </table>
          <p>
            <a className="button" href={href(store, '/checkout')}>
              Go to checkout
            </a>
          </p>
        </>
      )}
    </>
  );
}

export function CheckoutPage({
  chrome,
  cart,
  addresses,
  cards,
}: {
  chrome: Chrome;
  cart: Cart;
  addresses: Address[];
  cards: PaymentMethod[];
}) {
  const { store } = chrome;
  if (cart.lines.length === 0)
    return (
      <>
        <h1>Checkout</h1>
        <p className="muted">
          Your cart is empty. <a href={href(store)}>Start shopping</a>.
        </p>
      </>
    );
  const methods = Object.entries(SHIPPING_METHODS) as [ShippingMethod, (typeof SHIPPING_METHODS)[ShippingMethod]][];
  return (
    <>
      <h1>Checkout</h1>
      <ActionForm chrome={chrome} action="/checkout" scope="shopping" className="form">
        <h2>1. Shipping address</h2>
        {addresses.length === 0 ? (
          <p className="error">
            You have no saved address yet. <a href={href(store, '/account/addresses?from=checkout')}>Add an address</a>,
            then come back to checkout.
          </p>
        ) : (
          addresses.map((a, i) => (
            <label key={a.id} className="card">
              <input type="radio" name="addressId" value={a.id} defaultChecked={i === 0} required />{' '}
              <AddressBlock address={a} inline />
            </label>
          ))
        )}
        <h2>2. Shipping method</h2>
        {methods.map(([key, m], i) => (
          <label key={key}>
            <input type="radio" name="shipping" value={key} defaultChecked={i === 0} /> {m.label} —{' '}
            <Money cents={shippingCents(key, cart.subtotalCents)} store={store} />
          </label>
        ))}
        <h2>3. Payment</h2>
        <label>
          <input type="radio" name="payment" value="test" defaultChecked /> Test payment — always approved, no card, no
          network
        </label>
        {cards.map((c) => (
          <label key={c.id}>
            <input type="radio" name="payment" value={c.id} /> {c.label} •••• {c.last4} (test card)
          </label>
        ))}
        <h2>4. Review</h2>
        <table>
          <tbody>
            {cart.lines.map((l) => (
              <tr key={l.productId}>
                <td>
                  {l.quantity} × {l.name}
                </td>
                <td className="num">
                  <Money cents={l.lineCents} store={store} />
                </td>
              </tr>
            ))}
            <tr>
              <th>Subtotal (shipping added on the next page)</th>
              <td className="num">
                <Money cents={cart.subtotalCents} store={store} />
              </td>
            </tr>
          </tbody>
        </table>
        <p>
          <Submit testId="place-order" disabled={addresses.length === 0}>
            Place order
          </Submit>
        </p>
      </ActionForm>
    </>
  );
}

export function ConfirmationPage({ chrome, order }: { chrome: Chrome; order: StoreDocument }) {
  const { store } = chrome;
  return (
    <>
      <h1>Thank you for your order</h1>
      <div className="card" data-testid="order-confirmation">
        <p>
          Order <strong data-testid="order-number">{order.number}</strong> is confirmed. Total{' '}
          <Money cents={order.totalCents} store={store} />, paid with a test payment.
        </p>
        <HelpedBy doc={order} />
        <ul>
          {linesOf(order).map((l, i) => (
            <li key={i}>
              {l.quantity} × {l.name}
            </li>
          ))}
        </ul>
        <p>
          <a href={href(store, `/account/orders/${encodeURIComponent(order.number)}`)}>
            View the order and its invoice
          </a>
        </p>
      </div>
    </>
  );
}
