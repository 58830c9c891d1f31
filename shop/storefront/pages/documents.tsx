import { href, Money, type Chrome } from '../layout';
import { addressInData, dataText, linesOf, type StoreDocument } from '../data/documents';
import { LocalTime } from '../local-time';
import { AddressBlock } from './address';

const TYPE_LABEL = { order: 'Order', invoice: 'Invoice', shipment: 'Shipment', credit_memo: 'Credit memo' } as const;

/** The page title of a document (`Invoice I-00000012`); the account frame shows it as the heading. */
export function documentTitle(doc: StoreDocument): string {
  return `${TYPE_LABEL[doc.type]} ${doc.number}`;
}

/** A shipment moves goods and bills nothing, so it has no amount to show (its stored total is 0). */
function DocumentAmount({ chrome, doc }: { chrome: Chrome; doc: StoreDocument }) {
  if (doc.type === 'shipment') {
    const items = linesOf(doc).reduce((sum, l) => sum + l.quantity, 0);
    return <span data-testid="shipment-items">{items === 1 ? '1 item' : `${items} items`}</span>;
  }
  return <Money cents={doc.totalCents} store={chrome.store} />;
}

export function HelpedBy({ doc }: { doc: StoreDocument }) {
  return doc.placedByName ? (
    <p>
      <span className="helped" data-testid="placed-with-help">
        placed with the help of {doc.placedByName}
      </span>
    </p>
  ) : null;
}

export function OrdersPage({ chrome, orders }: { chrome: Chrome; orders: StoreDocument[] }) {
  const { store } = chrome;
  if (orders.length === 0) return <p className="muted">You have no orders in this store yet.</p>;
  return (
    <table data-testid="orders-table">
      <thead>
        <tr>
          <th>Order</th>
          <th>Date</th>
          <th>Status</th>
          <th className="num">Total</th>
        </tr>
      </thead>
      <tbody>
        {orders.map((o) => (
          <tr key={o.id}>
            <td>
              <a href={href(store, `/account/orders/${encodeURIComponent(o.number)}`)}>{o.number}</a>
              {o.placedByName ? (
                <div>
                  <span className="helped">placed with the help of {o.placedByName}</span>
                </div>
              ) : null}
            </td>
            <td>
              <LocalTime at={o.createdAt} locale={store.locale} />
            </td>
            <td>{o.status}</td>
            <td className="num">
              <Money cents={o.totalCents} store={store} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DocumentLines({ chrome, doc }: { chrome: Chrome; doc: StoreDocument }) {
  const lines = linesOf(doc);
  if (lines.length === 0) return null;
  const priced = lines.every((l) => l.unitCents !== null);
  return (
    <table>
      <thead>
        <tr>
          <th>Item</th>
          <th className="num">Qty</th>
          {priced ? (
            <>
              <th className="num">Price</th>
              <th className="num">Total</th>
            </>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {lines.map((l, i) => (
          <tr key={i}>
            <td>
              {l.name}
              <div className="muted">{l.sku}</div>
            </td>
            <td className="num">{l.quantity}</td>
            {priced && l.unitCents !== null ? (
              <>
                <td className="num">
                  <Money cents={l.unitCents} store={chrome.store} />
                </td>
                <td className="num">
                  <Money cents={l.unitCents * l.quantity} store={chrome.store} />
                </td>
              </>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function OrderDetailPage({
  chrome,
  order,
  related,
}: {
  chrome: Chrome;
  order: StoreDocument;
  related: StoreDocument[];
}) {
  const { store } = chrome;
  const shipping = addressInData(order.data, 'shippingAddress');
  const method = dataText(order, 'shippingMethod', 'name');
  const payment =
    dataText(order, 'paymentMethod') ??
    related.map((d) => dataText(d, 'paymentMethod')).find((p) => p !== null) ??
    null;
  return (
    <>
      <HelpedBy doc={order} />
      <p className="muted">
        <LocalTime at={order.createdAt} locale={store.locale} /> · {order.status} · total{' '}
        <Money cents={order.totalCents} store={store} />
      </p>
      <DocumentLines chrome={chrome} doc={order} />
      <div className="row">
        {shipping ? (
          <div className="card">
            <h2>Shipping address</h2>
            <AddressBlock address={shipping} />
          </div>
        ) : null}
        <div className="card">
          <h2>Shipping and payment</h2>
          <p>{method ?? '—'}</p>
          <p>{payment ?? '—'}</p>
        </div>
      </div>
      <h2>Invoices, shipments and credit memos</h2>
      {related.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <table data-testid="related-documents">
          <thead>
            <tr>
              <th>Document</th>
              <th>Number</th>
              <th>Date</th>
              <th>Status</th>
              <th className="num">Amount</th>
            </tr>
          </thead>
          <tbody>
            {related.map((d) => (
              <tr key={d.id}>
                <td>{TYPE_LABEL[d.type]}</td>
                <td>
                  <a href={href(store, `/account/documents/${encodeURIComponent(d.number)}`)}>{d.number}</a>
                </td>
                <td>
                  <LocalTime at={d.createdAt} locale={store.locale} />
                </td>
                <td>{d.status}</td>
                <td className="num">
                  <DocumentAmount chrome={chrome} doc={d} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function DocumentPage({
  chrome,
  doc,
  order,
}: {
  chrome: Chrome;
  doc: StoreDocument;
  order: StoreDocument | null;
}) {
  const { store } = chrome;
  const billing = addressInData(doc.data, 'billingAddress') ?? addressInData(doc.data, 'shippingAddress');
  const carrier = dataText(doc, 'tracking', 'carrier');
  const tracking = dataText(doc, 'tracking', 'number');
  const reason = dataText(doc, 'reason');
  const payment = dataText(doc, 'paymentMethod');
  return (
    <>
      {order ? (
        <p>
          For order <a href={href(store, `/account/orders/${encodeURIComponent(order.number)}`)}>{order.number}</a>
        </p>
      ) : null}
      <p className="muted">
        <LocalTime at={doc.createdAt} locale={store.locale} /> · {doc.status} ·{' '}
        <DocumentAmount chrome={chrome} doc={doc} />
      </p>
      {tracking ? (
        <p>
          Tracking: {carrier ?? ''} {tracking}
        </p>
      ) : null}
      {reason ? <p>Reason: {reason}</p> : null}
      {payment ? <p>Paid with {payment}</p> : null}
      <DocumentLines chrome={chrome} doc={doc} />
      {billing ? (
        <div className="card">
          <h2>{doc.type === 'shipment' ? 'Shipped to' : 'Billing address'}</h2>
          <AddressBlock address={billing} />
        </div>
      ) : null}
    </>
  );
}
