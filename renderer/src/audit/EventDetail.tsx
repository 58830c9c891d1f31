import { Fragment, useEffect, useRef } from 'react';
import type { AuditEvent } from '../../../shared/api/audit';
import { actionLabel, actorLabel, describeDetails, formatEventTime } from './describe';
import { useCustomerLabel } from './people';

/** One event in full: its details in words, and the event exactly as stored one click away. */
export function EventDetail({ event, onClose }: { event: AuditEvent; onClose: () => void }) {
  const customer = useCustomerLabel(event.customerId);
  const pane = useRef<HTMLElement>(null);
  // Opened from a row: keyboard users land here, and Escape takes them back to the list.
  useEffect(() => {
    pane.current?.focus();
  }, [event.seq]);
  const rows: { label: string; value: string }[] = [
    { label: 'When', value: formatEventTime(event.at) },
    { label: 'By', value: actorLabel(event) },
    ...(event.customerId
      ? [{ label: 'Customer', value: customer.failed ? 'Unknown customer' : (customer.label ?? 'Looking up…') }]
      : []),
    ...describeDetails(event),
    ...(event.ip ? [{ label: 'Address', value: event.ip }] : []),
  ];
  return (
    <aside
      ref={pane}
      className="event-detail"
      aria-labelledby="event-detail-title"
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <div className="row">
        <h2 id="event-detail-title">{actionLabel(event.action)}</h2>
        <span className="spacer" />
        <button type="button" className="link" onClick={onClose} aria-label="Close event details">
          Close
        </button>
      </div>
      <dl className="event-facts">
        {rows.map((r, i) => (
          <Fragment key={`${r.label}-${i}`}>
            <dt>{r.label}</dt>
            <dd>{r.value}</dd>
          </Fragment>
        ))}
      </dl>
      <details className="raw-json">
        <summary>Raw JSON</summary>
        <pre>{JSON.stringify(event, null, 2)}</pre>
      </details>
    </aside>
  );
}
