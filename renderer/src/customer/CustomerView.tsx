import { useId, useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { AssistSession } from '../../../shared/api/sessions';
import type { Customer, DocumentType, ShopDocument, Store } from '../../../shared/api/shop';
import { useBridge } from '../bridge/context';
import { useCan } from '../auth/useAuth';
import { useUi } from '../state/context';
import { shopQueries } from '../state/queries';
import { ConsentBadge } from '../ui/ConsentBadge';
import { ConsentCodeSteps } from '../ui/ConsentCodeSteps';
import { ErrorNote } from '../ui/ErrorNote';
import { QueryState } from '../ui/QueryState';
import { formatDate, formatDateTime, formatMoney, modeLabel } from '../ui/format';
import { documentLabel, endReasonText } from '../ui/labels';
import { DocumentPanel } from './DocumentPanel';

const DOC_TYPES: readonly DocumentType[] = ['order', 'invoice', 'shipment', 'credit_memo'];

export function CustomerView({ customerId }: { customerId: string }) {
  const bridge = useBridge();
  const customer = useQuery(shopQueries.customer(bridge, customerId));
  const stores = useQuery(shopQueries.stores(bridge));
  const show = useUi((s) => s.show);
  const back = (
    <button
      type="button"
      className="link back"
      onClick={() => {
        show({ name: 'search' });
      }}
    >
      ← Back to search
    </button>
  );
  const storeById = new Map((stores.data ?? []).map((s) => [s.id, s]));
  return (
    <QueryState
      query={customer}
      pending={
        <section className="page" aria-busy="true">
          {back}
          <p className="empty">Loading customer…</p>
        </section>
      }
      error={(error) => (
        <section className="page">
          {back}
          <ErrorNote error={error} />
        </section>
      )}
    >
      {(found) => (
        <section className="page customer" aria-labelledby="customer-name">
          {back}
          <Profile customer={found} storeById={storeById} />
          <Documents customer={found} storeById={storeById} />
          <PastSessions customerId={found.id} />
        </section>
      )}
    </QueryState>
  );
}

function ConsentPanel({ customer }: { customer: Customer }) {
  const { consent } = customer;
  return (
    <div className={`panel consent-panel consent-${consent.status}`}>
      <h2>Consent to assistance</h2>
      <ConsentBadge consent={consent} />
      {consent.status === 'granted' && consent.grantedAt && (
        <p className="small muted">Given {formatDateTime(consent.grantedAt)}.</p>
      )}
      {consent.status !== 'granted' && (
        <p className="small">
          {consent.status === 'expired'
            ? 'The customer’s consent has expired. '
            : 'The customer has not allowed assistance. '}
          <ConsentCodeSteps customerName={customer.name} /> Enter it when you start the session.
        </p>
      )}
    </div>
  );
}

function Profile({ customer, storeById }: { customer: Customer; storeById: Map<string, Store> }) {
  const canAssist = useCan('assist.view');
  const openStart = useUi((s) => s.openStart);
  return (
    <div className="profile">
      <div className="profile-main">
        <h1 id="customer-name">{customer.name}</h1>
        <dl className="facts">
          <dt>Email</dt>
          <dd>{customer.email}</dd>
          <dt>Phone</dt>
          <dd>{customer.phone ?? '—'}</dd>
          <dt>Customer no.</dt>
          <dd>{customer.number}</dd>
          <dt>Customer since</dt>
          <dd>{formatDate(customer.createdAt)}</dd>
        </dl>
        {canAssist ? (
          <button
            type="button"
            className="primary"
            onClick={() => {
              openStart({ customerId: customer.id });
            }}
          >
            Start session
          </button>
        ) : (
          <p className="info-note">Your role can look customers up but cannot start assisted sessions.</p>
        )}
      </div>
      <ConsentPanel customer={customer} />
      <div className="panel">
        <h2>Accounts</h2>
        {customer.accounts.length === 0 ? (
          <p className="empty">No store accounts.</p>
        ) : (
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">Store</th>
                <th scope="col">Since</th>
                {canAssist && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {customer.accounts.map((account) => (
                <tr key={account.id}>
                  <td>{storeById.get(account.storeId)?.name ?? account.storeCode}</td>
                  <td>{formatDate(account.createdAt)}</td>
                  {canAssist && (
                    <StartSessionCell
                      label={`Start session in ${storeById.get(account.storeId)?.name ?? account.storeCode}`}
                      onStart={() => {
                        openStart({ customerId: customer.id, accountId: account.id, storeChosen: true });
                      }}
                    />
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}

/** The row action that opens the start-session dialog; `label` names the row for screen readers. */
function StartSessionCell({ label, onStart }: { label: string; onStart: () => void }) {
  return (
    <td className="actions">
      <button type="button" className="small-button" onClick={onStart} aria-label={label}>
        Start session
      </button>
    </td>
  );
}

function Documents({ customer, storeById }: { customer: Customer; storeById: Map<string, Store> }) {
  const id = useId();
  const [type, setType] = useState<DocumentType>('order');
  const bridge = useBridge();
  const docs = useQuery(shopQueries.documents(bridge, customer.id, type));
  const canAssist = useCan('assist.view');
  const openStart = useUi((s) => s.openStart);
  const [shown, setShown] = useState<string | null>(null);
  const start = (doc: ShopDocument) => {
    openStart({
      customerId: customer.id,
      accountId: doc.accountId,
      from: `${documentLabel(doc.type).one} ${doc.number}`,
      documentId: doc.id,
    });
  };
  return (
    <div className="panel documents">
      <div role="tablist" aria-label="Documents" className="subtabs">
        {DOC_TYPES.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={`${id}-${t}`}
            aria-selected={t === type}
            aria-controls={`${id}-panel`}
            className={t === type ? 'active' : undefined}
            onClick={() => {
              setType(t);
            }}
          >
            {documentLabel(t).many}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-${type}`} aria-busy={docs.isFetching}>
        <QueryState
          query={docs}
          isEmpty={(data) => data.items.length === 0}
          empty={<p className="empty">No {documentLabel(type).many.toLowerCase()}.</p>}
          forbidden={<RoleLimit>Your role does not show {documentLabel(type).many.toLowerCase()}.</RoleLimit>}
        >
          {(data) => (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Number</th>
                  <th scope="col">Date</th>
                  <th scope="col">Store</th>
                  {type !== 'order' && <th scope="col">Order</th>}
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Total
                  </th>
                  {type === 'order' && <th scope="col">Placed by</th>}
                  {canAssist && (
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {data.items.map((doc) => (
                  <DocumentRow
                    key={doc.id}
                    doc={doc}
                    storeCode={storeById.get(doc.storeId)?.code ?? doc.storeId}
                    onShow={setShown}
                    onStart={canAssist ? start : null}
                  />
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      </div>
      {shown && (
        <DocumentPanel
          customerId={customer.id}
          documentId={shown}
          storeById={storeById}
          onOpen={setShown}
          onClose={() => {
            setShown(null);
          }}
        />
      )}
    </div>
  );
}

/** One row of the documents table; its numbers open the document's panel (`onShow`). */
function DocumentRow({
  doc,
  storeCode,
  onShow,
  onStart,
}: {
  doc: ShopDocument;
  storeCode: string;
  onShow: (documentId: string) => void;
  onStart: ((doc: ShopDocument) => void) | null;
}) {
  return (
    <tr>
      <td>
        <DocumentLink type={doc.type} number={doc.number} id={doc.id} onShow={onShow} />
      </td>
      <td>{formatDate(doc.createdAt)}</td>
      <td>{storeCode}</td>
      {doc.type !== 'order' && (
        <td>
          {doc.orderId && doc.orderNumber ? (
            <DocumentLink type="order" number={doc.orderNumber} id={doc.orderId} onShow={onShow} />
          ) : (
            '—'
          )}
        </td>
      )}
      <td>{doc.status}</td>
      {/* A shipment bills nothing: its stored total is 0, not an amount to show. */}
      <td className="num">{doc.type === 'shipment' ? '—' : formatMoney(doc.totalCents, doc.currency)}</td>
      {doc.type === 'order' && <td>{doc.placedBy ? `${doc.placedBy.staffName} (assisted)` : 'Customer'}</td>}
      {onStart && (
        <StartSessionCell
          label={`Start session from ${documentLabel(doc.type).one} ${doc.number}`}
          onStart={() => {
            onStart(doc);
          }}
        />
      )}
    </tr>
  );
}

/** A document's number as a button that opens its panel. */
function DocumentLink({
  type,
  number,
  id,
  onShow,
}: {
  type: DocumentType;
  number: string;
  id: string;
  onShow: (documentId: string) => void;
}) {
  return (
    <button
      type="button"
      className="link"
      aria-haspopup="dialog"
      aria-label={`Show ${documentLabel(type).one} ${number}`}
      onClick={() => {
        onShow(id);
      }}
    >
      {number}
    </button>
  );
}

/** What the staff member's role does not show: a plain fact, not an error. */
function RoleLimit({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

function PastSessions({ customerId }: { customerId: string }) {
  const canAssist = useCan('assist.view');
  const canReadAll = useCan('sessions.read.all');
  // The shop lists sessions to those who assist or supervise; asking without the role only records a denial.
  if (!canAssist && !canReadAll)
    return (
      <div className="panel">
        <h2>Assisted sessions</h2>
        <RoleLimit>Your role does not show past sessions.</RoleLimit>
      </div>
    );
  return <SessionList customerId={customerId} />;
}

function SessionList({ customerId }: { customerId: string }) {
  const bridge = useBridge();
  const sessions = useQuery(shopQueries.sessions(bridge, { customerId }));
  const canAuditOwn = useCan('audit.read.own');
  const canAuditAll = useCan('audit.read.all');
  const show = useUi((s) => s.show);
  const setAuditFilter = useUi((s) => s.setAuditFilter);
  const timeline = (session: AssistSession) => {
    setAuditFilter({ sessionId: session.id });
    show({ name: 'audit' });
  };
  return (
    <div className="panel">
      <h2>Assisted sessions</h2>
      <QueryState
        query={sessions}
        forbidden={<RoleLimit>Your role does not show past sessions.</RoleLimit>}
        isEmpty={(data) => data.items.length === 0}
        empty={
          <p className="empty">No assisted sessions with this customer{canAuditAll ? '' : ' that you can see'}.</p>
        }
      >
        {(data) => (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Staff</th>
                <th scope="col">Mode</th>
                <th scope="col">Reason</th>
                <th scope="col">Ticket</th>
                <th scope="col">Outcome</th>
                {(canAuditOwn || canAuditAll) && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {data.items.map((s) => (
                <tr key={s.id}>
                  <td>{formatDateTime(s.startedAt)}</td>
                  <td>{s.staffName}</td>
                  <td>{modeLabel(s.mode)}</td>
                  <td className="wrap">{s.reason}</td>
                  <td>{s.ticket ?? '—'}</td>
                  <td>
                    {s.status === 'ended'
                      ? endReasonText(s.endReason)
                      : s.status === 'active'
                        ? 'In progress'
                        : 'Opening'}
                  </td>
                  {(canAuditOwn || canAuditAll) && (
                    <td className="actions">
                      <button
                        type="button"
                        className="small-button"
                        onClick={() => {
                          timeline(s);
                        }}
                      >
                        Timeline
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryState>
    </div>
  );
}
