import { Fragment, useEffect, useRef } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { DocumentAddress, ShopDocument, ShopDocumentDetail, Store } from '../../../shared/api/shop';
import { useCan } from '../auth/useAuth';
import { useBridge } from '../bridge/context';
import { useUi } from '../state/context';
import { shopQueries } from '../state/queries';
import { QueryState } from '../ui/QueryState';
import { formatDate, formatDateTime, formatMoney } from '../ui/format';
import { documentLabel } from '../ui/labels';
import { useDialogFocus } from '../ui/useDialogFocus';

interface DocumentPanelProps {
  customerId: string;
  documentId: string;
  storeById: ReadonlyMap<string, Store>;
  /** Shows another document (a related one) in the same panel. */
  onOpen: (documentId: string) => void;
  onClose: () => void;
}

/** `Order O-00000001`. */
export function documentTitle(doc: Pick<ShopDocument, 'type' | 'number'>): string {
  const label = documentLabel(doc.type).one;
  return `${label.charAt(0).toUpperCase()}${label.slice(1)} ${doc.number}`;
}

/**
 * One document of the customer, read without opening a session (as a shop's admin shows it):
 * lines, totals, addresses, status and the order's other documents. A modal side panel: Escape
 * closes it and focus goes back to the number that opened it.
 */
export function DocumentPanel({ customerId, documentId, storeById, onOpen, onClose }: DocumentPanelProps) {
  const bridge = useBridge();
  const doc = useQuery(shopQueries.document(bridge, customerId, documentId));
  const { ref, onKeyDown } = useDialogFocus(onClose);
  const heading = useRef<HTMLHeadingElement>(null);
  // A related document replaces the one shown: focus its heading, so the panel reads from the top.
  useEffect(() => {
    if (doc.data?.id === documentId) heading.current?.focus();
  }, [doc.data?.id, documentId]);
  return (
    <div className="overlay drawer-overlay" onKeyDown={onKeyDown}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="document-panel-title"
        className="dialog drawer document-panel"
        ref={ref}
      >
        <div className="row document-panel-head">
          <h2 id="document-panel-title" ref={heading} tabIndex={-1}>
            {doc.data ? documentTitle(doc.data) : 'Document'}
          </h2>
          <button type="button" onClick={onClose} aria-label="Close document" autoFocus>
            Close
          </button>
        </div>
        <QueryState query={doc}>
          {(found) => <DocumentBody doc={found} storeById={storeById} onOpen={onOpen} />}
        </QueryState>
      </div>
    </div>
  );
}

function DocumentBody({
  doc,
  storeById,
  onOpen,
}: {
  doc: ShopDocumentDetail;
  storeById: ReadonlyMap<string, Store>;
  onOpen: (documentId: string) => void;
}) {
  const canAssist = useCan('assist.view');
  const openStart = useUi((s) => s.openStart);
  const store = storeById.get(doc.storeId);
  const from = `${documentLabel(doc.type).one} ${doc.number}`;
  return (
    <>
      <p className="muted" data-testid="document-facts">
        {formatDateTime(doc.createdAt)} · {store?.name ?? doc.storeCode} · <strong>{doc.status}</strong>
        {' · '}
        {doc.placedBy ? `placed with the help of ${doc.placedBy.staffName}` : 'placed by the customer'}
      </p>
      {doc.orderId && doc.orderNumber && (
        <p>
          For order{' '}
          <button
            type="button"
            className="link"
            onClick={() => {
              onOpen(doc.orderId ?? '');
            }}
          >
            {doc.orderNumber}
          </button>
        </p>
      )}
      {canAssist && (
        <p>
          <button
            type="button"
            className="primary"
            onClick={() => {
              // The panel stays open under the dialog: cancelling returns here.
              openStart({ customerId: doc.customerId, accountId: doc.accountId, from, documentId: doc.id });
            }}
          >
            Start session from {from}
          </button>
        </p>
      )}
      <Lines doc={doc} />
      <Totals doc={doc} />
      <div className="document-facts-grid">
        {doc.shippingAddress && <AddressCard title="Shipping address" address={doc.shippingAddress} />}
        {doc.billingAddress && <AddressCard title="Billing address" address={doc.billingAddress} />}
        <Extras doc={doc} />
      </div>
      <Related doc={doc} onOpen={onOpen} />
    </>
  );
}

function Lines({ doc }: { doc: ShopDocumentDetail }) {
  if (doc.lines.length === 0) return null;
  const priced = doc.lines.every((l) => l.unitCents !== null);
  return (
    <table className="table compact" aria-label="Lines">
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col">SKU</th>
          <th scope="col" className="num">
            Qty
          </th>
          {priced && (
            <>
              <th scope="col" className="num">
                Price
              </th>
              <th scope="col" className="num">
                Total
              </th>
            </>
          )}
        </tr>
      </thead>
      <tbody>
        {doc.lines.map((l, i) => (
          <tr key={`${l.sku}-${String(i)}`}>
            <td className="wrap">{l.name}</td>
            <td>{l.sku}</td>
            <td className="num">{l.quantity}</td>
            {priced && l.unitCents !== null && (
              <>
                <td className="num">{formatMoney(l.unitCents, doc.currency)}</td>
                <td className="num">{formatMoney(l.unitCents * l.quantity, doc.currency)}</td>
              </>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A shipment moves goods and bills nothing: it shows how many items, not an amount. */
function Totals({ doc }: { doc: ShopDocumentDetail }) {
  if (doc.type === 'shipment') {
    const items = doc.lines.reduce((sum, l) => sum + l.quantity, 0);
    return <p>{items === 1 ? '1 item' : `${String(items)} items`} shipped</p>;
  }
  return (
    <dl className="facts totals" aria-label="Totals">
      {doc.subtotalCents !== null && (
        <>
          <dt>Subtotal</dt>
          <dd>{formatMoney(doc.subtotalCents, doc.currency)}</dd>
        </>
      )}
      {doc.shippingCents !== null && (
        <>
          <dt>Shipping</dt>
          <dd>{formatMoney(doc.shippingCents, doc.currency)}</dd>
        </>
      )}
      <dt>{doc.type === 'credit_memo' ? 'Refunded' : 'Total'}</dt>
      <dd data-testid="document-total">{formatMoney(doc.totalCents, doc.currency)}</dd>
    </dl>
  );
}

// Countries that write the postal code after the town, as the storefront prints them.
const CODE_AFTER_TOWN: ReadonlySet<string> = new Set(['US', 'CA', 'AU', 'GB', 'IE']);

export function addressLines(a: DocumentAddress): string[] {
  const town = a.region ? `${a.city}, ${a.region}` : a.city;
  const townLine = (CODE_AFTER_TOWN.has(a.country.toUpperCase()) ? [town, a.postalCode] : [a.postalCode, town])
    .filter(Boolean)
    .join(' ');
  return [a.name, a.line1, a.line2, townLine, a.country, a.phone].filter((p): p is string => Boolean(p));
}

function AddressCard({ title, address }: { title: string; address: DocumentAddress }) {
  return (
    <div className="panel">
      <h3>{title}</h3>
      <address>
        {addressLines(address).map((line, i) => (
          <div key={i}>{line}</div>
        ))}
      </address>
    </div>
  );
}

function Extras({ doc }: { doc: ShopDocumentDetail }) {
  const facts: [string, string][] = [];
  if (doc.shippingMethod) facts.push(['Shipping', doc.shippingMethod]);
  if (doc.paymentMethod) facts.push(['Payment', doc.paymentMethod]);
  if (doc.tracking) facts.push(['Tracking', [doc.tracking.carrier, doc.tracking.number].filter(Boolean).join(' ')]);
  if (doc.reason) facts.push(['Reason', doc.reason]);
  if (facts.length === 0) return null;
  return (
    <div className="panel">
      <dl className="facts">
        {facts.map(([term, value]) => (
          <Fragment key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </Fragment>
        ))}
      </dl>
    </div>
  );
}

function Related({ doc, onOpen }: { doc: ShopDocumentDetail; onOpen: (documentId: string) => void }) {
  const heading = doc.type === 'order' ? 'Invoices, shipments and credit memos' : 'The order and its documents';
  return (
    <>
      <h3>{heading}</h3>
      {doc.related.length === 0 ? (
        <p className="empty">None yet.</p>
      ) : (
        <table className="table compact" aria-label={heading}>
          <thead>
            <tr>
              <th scope="col">Document</th>
              <th scope="col">Date</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            {doc.related.map((r) => (
              <tr key={r.id}>
                <td>
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      onOpen(r.id);
                    }}
                  >
                    {documentTitle(r)}
                  </button>
                </td>
                <td>{formatDate(r.createdAt)}</td>
                <td>{r.status}</td>
                <td className="num">{r.type === 'shipment' ? '—' : formatMoney(r.totalCents, r.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
