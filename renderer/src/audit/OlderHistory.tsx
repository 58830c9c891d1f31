import { useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { AuditEvent } from '../../../shared/api/audit';
import type { AuditFilter, AuditWindow } from '../../../shared/ipc/contract';
import { useBridge } from '../bridge/context';
import { auditQueries } from '../state/queries';
import { ErrorNote } from '../ui/ErrorNote';
import { formatDate } from '../ui/format';
import { EventCells, GridHead } from './EventCells';

const number = new Intl.NumberFormat();

/** How the window is said: "the last 90 days", or, once turned off, what this copy started with. */
const keptHere = (window: AuditWindow) =>
  window.days === null ? 'this computer’s copy' : `the last ${number.format(window.days)} days`;

/**
 * History older than a supervisor's copy holds, asked of the shop with the viewer's filters once
 * the reader says so (then for every filter after): rows marked as the shop's, newest first, a
 * page at a time. Free text is searched on this computer only, which the section says.
 */
export function OlderHistory({
  window,
  filter,
  onFilter,
  canSeeAll,
  onOpen,
}: {
  window: AuditWindow;
  filter: AuditFilter;
  onFilter: (f: AuditFilter) => void;
  canSeeAll: boolean;
  onOpen: (event: AuditEvent) => void;
}) {
  const bridge = useBridge();
  const [asked, setAsked] = useState(false);
  const text = Boolean(filter.text?.trim());
  const older = useInfiniteQuery({ ...auditQueries.older(bridge, filter, window.heldAfter), enabled: asked && !text });
  const events = older.data?.pages.flatMap((page) => page.events) ?? [];
  const heading = window.since ? `Before ${formatDate(window.since)}, from the shop` : 'Older history, from the shop';
  return (
    <section className="older-history" aria-labelledby="older-history-title">
      <div className="row older-head">
        <h2 id="older-history-title">{heading}</h2>
        <span className="muted small">
          This computer keeps {keptHere(window)}; older events are read from the shop and not verified here.
        </span>
        <span className="spacer" />
        {!asked && (
          <button
            type="button"
            className="small-button"
            onClick={() => {
              setAsked(true);
            }}
          >
            Search older history at the shop
          </button>
        )}
      </div>
      {asked && text && (
        <p className="muted small" role="status">
          Free text searches only {keptHere(window)}. Clear it to search older history at the shop.
        </p>
      )}
      {asked && !text && (
        <>
          <p className="muted small" role="status">
            {older.isPending
              ? 'Asking the shop…'
              : events.length === 0
                ? 'No older events match these filters.'
                : `${number.format(events.length)} older ${events.length === 1 ? 'event' : 'events'} from the shop${older.hasNextPage ? ' so far' : ''}`}
          </p>
          <ErrorNote error={older.error} prefix="The shop could not be searched." />
          {events.length > 0 && (
            <div className="older-rows" role="table" aria-label="Older audit events from the shop">
              <GridHead />
              <div role="rowgroup">
                {events.map((event, index) => (
                  <div
                    key={event.seq}
                    role="row"
                    aria-rowindex={index + 1}
                    className={`event-row from-shop${index % 2 ? ' odd' : ''}`}
                  >
                    <EventCells event={event} onFilter={onFilter} canSeeAll={canSeeAll} onOpen={onOpen} fromShop />
                  </div>
                ))}
              </div>
            </div>
          )}
          {older.hasNextPage && (
            <button
              type="button"
              className="small-button"
              disabled={older.isFetchingNextPage}
              onClick={() => {
                void older.fetchNextPage();
              }}
            >
              {older.isFetchingNextPage ? 'Loading…' : 'Load older events'}
            </button>
          )}
        </>
      )}
    </section>
  );
}
