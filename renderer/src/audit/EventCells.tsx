import { memo } from 'react';
import type { AuditEvent } from '../../../shared/api/audit';
import type { AuditFilter } from '../../../shared/ipc/contract';
import { actionLabel, actorLabel, detailsSummary, formatEventTime } from './describe';
import { useCustomerLabel } from './people';

/** What a row read from the shop (older than this computer's copy) says about where it came from. */
export const FROM_SHOP_TITLE = 'From the shop: older than this computer’s copy, so not verified on this computer';

/** The column names above the event rows. */
export function GridHead() {
  return (
    <div className="grid-head" role="presentation">
      <span>Seq</span>
      <span>Time</span>
      <span>Action</span>
      <span>By</span>
      <span>Customer</span>
      <span>Session</span>
      <span>Details</span>
    </div>
  );
}

function CustomerCell({ customerId, onFilter }: { customerId: string | null; onFilter: (f: AuditFilter) => void }) {
  const customer = useCustomerLabel(customerId);
  if (!customerId) return <span role="cell">—</span>;
  const label = customer.failed ? 'Unknown customer' : (customer.label ?? '…');
  return (
    <span role="cell">
      <button
        type="button"
        className="cell-link"
        title={`Show only ${label}`}
        onClick={() => {
          onFilter({ customerId });
        }}
      >
        {label}
      </button>
    </span>
  );
}

/** One row's cells: memoized, as a scroll or a new page renders the list again with mostly the same events. */
export const EventCells = memo(function EventCells({
  event,
  onFilter,
  canSeeAll,
  onOpen,
  fromShop = false,
}: {
  event: AuditEvent;
  onFilter: (f: AuditFilter) => void;
  canSeeAll: boolean;
  onOpen: (event: AuditEvent) => void;
  /** Read from the shop, not from this computer's verified copy: the row says so. */
  fromShop?: boolean;
}) {
  const actor = actorLabel(event);
  const summary = detailsSummary(event);
  return (
    <>
      <span role="cell" className="num">
        {fromShop && (
          <span className="origin-tag" title={FROM_SHOP_TITLE}>
            shop
          </span>
        )}
        {event.seq}
      </span>
      <span role="cell">{formatEventTime(event.at)}</span>
      <span role="cell" title={event.action}>
        {actionLabel(event.action)}
      </span>
      <span role="cell">
        {event.actor.type === 'staff' && event.actor.id && canSeeAll ? (
          <button
            type="button"
            className="cell-link"
            title="Show only this staff member"
            onClick={() => {
              onFilter({ staffId: event.actor.id ?? undefined });
            }}
          >
            {actor}
          </button>
        ) : (
          actor
        )}
      </span>
      <CustomerCell customerId={event.customerId} onFilter={onFilter} />
      <span role="cell">
        {event.sessionId ? (
          <button
            type="button"
            className="cell-link"
            title="Show this session’s timeline"
            onClick={() => {
              onFilter({ sessionId: event.sessionId ?? undefined });
            }}
          >
            {event.sessionId.slice(0, 12)}
          </button>
        ) : (
          '—'
        )}
      </span>
      <span role="cell" className="details">
        <button
          type="button"
          className="cell-link details-open"
          title={summary ? `${summary} (open details and raw JSON)` : 'Open details and raw JSON'}
          aria-label={`Details of event ${event.seq}: ${summary || 'none'}`}
          onClick={() => {
            onOpen(event);
          }}
        >
          {summary || 'Details'}
        </button>
      </span>
    </>
  );
});
