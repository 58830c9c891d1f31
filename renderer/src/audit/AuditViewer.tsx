import { useCallback, useEffect, useRef, useState } from 'react';
import { keepPreviousData, useQueries, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { z } from 'zod';
import type { AuditEvent } from '../../../shared/api/audit';
import {
  AUDIT_COUNT_CAP,
  ipcContract,
  type AuditFilter,
  type AuditSyncStatus,
  type AuditWindow,
  type IpcValue,
} from '../../../shared/ipc/contract';
import { useBridge, useIpcEvent, useIpcMutation } from '../bridge/context';
import { useCan } from '../auth/useAuth';
import { useUi } from '../state/context';
import { auditQueries } from '../state/queries';
import { refreshAfterChange } from '../state/refresh';
import { ErrorNote } from '../ui/ErrorNote';
import { formatDate } from '../ui/format';
import { useDebounced } from '../ui/useDebounced';
import { FILTER_DEBOUNCE_MS, FILTER_TEXT_IMMEDIATE_MIN_CHARS } from './timing';
import { AUDIT_PAGE } from './paging';
import { AuditFilters, type AuditFilterChange } from './AuditFilters';
import { AuditStatusBar } from './AuditStatusBar';
import { useAuditStatus, useAuditStatusCall } from './useAuditStatus';
import { EventCells, GridHead } from './EventCells';
import { EventDetail } from './EventDetail';
import { OlderHistory } from './OlderHistory';
import { SessionTimeline } from './SessionTimeline';

export const AUDIT_ROW_HEIGHT = 28;
const PAGE_SETTLE_MS = 80;
const REFRESH_THROTTLE_MS = 2000;
const number = new Intl.NumberFormat();

/**
 * New events in the mirror refresh what is shown, at most every couple of seconds while a sync
 * streams in. `knownSeq` is the mirror's last event as this screen first read it: a status
 * saying the same (the catch-up sync starting as the screen opens) refreshes nothing, so it
 * cannot cancel and restart the query of a filter the agent has just picked.
 */
function useRefreshOnNewEvents(knownSeq: number | undefined): void {
  const queryClient = useQueryClient();
  const last = useRef({ seq: -1, at: 0 });
  useEffect(() => {
    if (last.current.seq === -1 && knownSeq !== undefined) last.current.seq = knownSeq;
  }, [knownSeq]);
  useIpcEvent('audit.status', (status) => {
    const now = Date.now();
    const changed = status.lastSeq !== last.current.seq;
    if (!changed) return;
    if (status.state === 'syncing' && now - last.current.at < REFRESH_THROTTLE_MS) return;
    last.current = { seq: status.lastSeq, at: now };
    void refreshAfterChange(queryClient, auditQueries.all);
  });
}

/**
 * The mirror opens (and syncs) at sign-in and then every 30 s: opening the audit screen asks it to
 * catch up at once, so what just happened is there. Trouble shows in the status bar, as for "Sync now".
 */
function useCatchUpOnOpen(): void {
  const { mutate } = useAuditStatusCall('audit.sync');
  useEffect(() => {
    mutate({});
  }, [mutate]);
}

/** While this screen is open, main syncs the log's growth within seconds (not at the background pace). */
function useWatchingAudit(): void {
  const bridge = useBridge();
  useEffect(() => {
    void bridge['audit.watch']({ watching: true });
    return () => {
      void bridge['audit.watch']({ watching: false });
    };
  }, [bridge]);
}

export function AuditViewer() {
  const filter = useUi((s) => s.auditFilter);
  const setFilter = useUi((s) => s.setAuditFilter);
  const canSeeAll = useCan('audit.read.all');
  // Typing an id, a date or short text waits for a pause; a choice (an action group, a link in
  // a row) applies at once, and so does text from a few characters on (see timing.ts).
  const [waitForPause, setWaitForPause] = useState(false);
  const applied = useDebounced(filter, FILTER_DEBOUNCE_MS, !waitForPause);
  const changeFilter: AuditFilterChange = (next, input) => {
    const text = next.text?.trim().length ?? 0;
    setWaitForPause(input === 'typing' || (input === 'text' && text > 0 && text < FILTER_TEXT_IMMEDIATE_MIN_CHARS));
    setFilter(next);
  };
  // A choice applies at once; stable, so the memoized rows do not render again for it.
  const pickFilter = useCallback(
    (next: AuditFilter) => {
      setWaitForPause(false);
      setFilter(next);
    },
    [setFilter],
  );
  const status = useAuditStatus();
  useRefreshOnNewEvents(status.data?.lastSeq);
  useCatchUpOnOpen();
  useWatchingAudit();
  // The event opened in the side pane (its details in words and raw JSON).
  const [opened, setOpened] = useState<AuditEvent | null>(null);
  const side = Boolean(applied.sessionId) || opened !== null;

  return (
    <section className="audit-screen" aria-labelledby="audit-title">
      <div className="page-head">
        <h1 id="audit-title">Audit</h1>
        <span className="muted small">
          {canSeeAll ? 'Everyone’s events' : 'Your own events'} · from this console’s verified local copy
          {olderAtShop(status.data) ? ', older history from the shop' : ''}
        </span>
        <span className="spacer" />
        <ExportButtons filter={applied} older={olderAtShop(status.data)} />
      </div>
      <AuditStatusBar status={status.data} everyone={canSeeAll} />
      <ErrorNote error={status.error} />
      <AuditFilters filter={filter} onChange={changeFilter} canSeeAll={canSeeAll} />
      <div className={side ? 'audit-body with-timeline' : 'audit-body'}>
        <EventList
          filter={applied}
          onFilter={pickFilter}
          canSeeAll={canSeeAll}
          onOpen={setOpened}
          firstSync={firstSync(status.data)}
          olderAtShop={olderAtShop(status.data)}
        />
        {side && (
          <div className="audit-side">
            {opened && (
              <EventDetail
                event={opened}
                onClose={() => {
                  setOpened(null);
                }}
              />
            )}
            {applied.sessionId && <SessionTimeline sessionId={applied.sessionId} />}
          </div>
        )}
      </div>
    </section>
  );
}

/**
 * Electron saves where the agent chose; the browser tier's bridge hands the file to the browser's
 * downloads. An export holds this computer's copy only, which a window may have cut short: said so.
 */
function exportMessage({ count, delivery }: IpcValue<'audit.export'>, older: AuditWindow | null): string {
  const events = `${number.format(count)} ${count === 1 ? 'event' : 'events'}`;
  if (!delivery) return 'Export cancelled.';
  const done =
    delivery.kind === 'saved' ? `Saved ${events} to ${delivery.path}` : `Downloaded ${events} as ${delivery.fileName}`;
  if (!older) return done;
  const before = older.since ? `before ${formatDate(older.since)}` : 'older than this computer’s copy';
  return `${done}. Only this computer’s copy is exported: history ${before} stays at the shop.`;
}

function ExportButtons({ filter, older }: { filter: AuditFilter; older: AuditWindow | null }) {
  const exporter = useIpcMutation('audit.export');
  return (
    <div className="row export">
      <button
        type="button"
        className="small-button"
        disabled={exporter.isPending}
        onClick={() => {
          exporter.mutate({ filter, format: 'csv' });
        }}
      >
        Export CSV
      </button>
      <button
        type="button"
        className="small-button"
        disabled={exporter.isPending}
        onClick={() => {
          exporter.mutate({ filter, format: 'jsonl' });
        }}
      >
        Export JSON Lines
      </button>
      <span role="status" className="small">
        {exporter.isPending ? 'Exporting…' : exporter.data ? exportMessage(exporter.data, older) : ''}
      </span>
      <ErrorNote error={exporter.error} prefix="Export failed." />
    </div>
  );
}

/** A cached page's arguments, parsed back from its key (keys come back untyped); its filter as the key holds it. */
const PageArgs = ipcContract['audit.query'].args.extend({ filter: z.unknown() });

/** How far the cached pages of this filter reach, plus one more page when the last one was full. */
function furthestLoaded(queryClient: QueryClient, filter: AuditFilter): number {
  const key = JSON.stringify(filter);
  let end = 0;
  for (const [queryKey, data] of queryClient.getQueriesData<IpcValue<'audit.query'>>({ queryKey: auditQueries.all })) {
    const parsed = PageArgs.safeParse(queryKey[1]);
    if (!parsed.success || !data || JSON.stringify(parsed.data.filter) !== key) continue;
    const args = parsed.data;
    const reach = args.offset + data.events.length + (data.events.length === args.limit ? args.limit : 0);
    end = Math.max(end, reach);
  }
  return end;
}

/**
 * While the mirror has not answered (it opens, or has not finished its first sync), the unfiltered
 * list shows the newest events from the shop itself, said to be unverified; the mirror's own rows
 * replace them, in the same order, as soon as it answers. Null when there is nothing to show.
 */
function useShopPreview(filter: AuditFilter, mirrorNotReady: boolean): AuditEvent[] | null {
  const bridge = useBridge();
  const wanted = mirrorNotReady && Object.keys(filter).length === 0;
  const recent = useQuery({ ...auditQueries.recent(bridge), enabled: wanted });
  return wanted && recent.data && recent.data.events.length > 0 ? recent.data.events : null;
}

const events = (n: number) => `${number.format(n)} ${n === 1 ? 'event' : 'events'}`;

/** What the line above the list says: whose rows these are and how many (`cappedAt` when the count stopped there). */
function countLine(preview: AuditEvent[] | null, pending: boolean, cappedAt: number | null, total: number): string {
  if (preview)
    return `The newest ${events(preview.length)}, from the shop: this computer’s verified copy is still opening`;
  if (pending) return 'Loading events…';
  return cappedAt === null ? events(total) : `More than ${events(cappedAt)}`;
}

/** The copy's window when the shop holds history older than it (a supervisor's copy keeps the last 90 days). */
const olderAtShop = (status: AuditSyncStatus | undefined): AuditWindow | null =>
  status?.window && status.window.heldAfter > 0 ? status.window : null;

/** Before the copy's first sync completes, an empty list means "not here yet", not "none". */
const firstSync = (status: AuditSyncStatus | undefined): boolean =>
  !status || (status.lastSyncAt === null && (status.state === 'opening' || status.state === 'syncing'));

function EventList({
  filter,
  onFilter,
  canSeeAll,
  onOpen,
  firstSync: waitingForFirstSync,
  olderAtShop: window,
}: {
  filter: AuditFilter;
  onFilter: (f: AuditFilter) => void;
  canSeeAll: boolean;
  onOpen: (event: AuditEvent) => void;
  firstSync: boolean;
  /** Set when the shop holds history older than the copy: the list ends with the section that asks for it. */
  olderAtShop: AuditWindow | null;
}) {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  const head = useQuery({ ...auditQueries.page(bridge, filter, 0), placeholderData: keepPreviousData });
  const counted = head.data?.total ?? 0;
  // With filters the mirror stops counting at a cap; the list then grows a page at a time for as
  // long as the furthest page loaded so far comes back full.
  const capped = Object.keys(filter).length > 0 && counted >= AUDIT_COUNT_CAP;
  const mirrored = capped ? Math.max(counted, furthestLoaded(queryClient, filter)) : counted;
  const preview = useShopPreview(filter, head.isPending || (waitingForFirstSync && counted === 0));
  const total = preview ? preview.length : mirrored;
  const scroller = useRef<HTMLDivElement>(null);
  // The app does not use the React compiler; the virtualizer is read afresh on every render.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => AUDIT_ROW_HEIGHT,
    overscan: 12,
  });
  const filterKey = JSON.stringify(filter);
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [filterKey]);

  const items = virtualizer.getVirtualItems();
  const firstPage = Math.floor((items[0]?.index ?? 0) / AUDIT_PAGE);
  const lastPage = Math.floor((items.at(-1)?.index ?? 0) / AUDIT_PAGE);
  const pageNumbers: number[] = [];
  for (let p = firstPage; p <= lastPage; p++) pageNumbers.push(p);
  // Then the pages beside them, once the view settles (the mirror answers in order, so the
  // visible pages come first): scrolling on reaches rows already loaded instead of a page of
  // "Loading…" at every page boundary.
  // Not while the count is still the previous filter's (the next page may not exist).
  if (!head.isPlaceholderData) {
    if ((lastPage + 1) * AUDIT_PAGE < total) pageNumbers.push(lastPage + 1);
    if (firstPage > 0) pageNumbers.push(firstPage - 1);
  }
  // Pages flown past in a fast scroll are not requested: the mirror answers one query at a time,
  // and the page the agent stops at should not wait behind them (one requested that scrolls out
  // of view before its turn is cancelled, and the mirror drops it). Cached pages show at once.
  // The filter is part of it: right after a filter changes, the list still stands where the
  // old one was scrolled to (say row 330,600) until it jumps to the top, and that deep page of
  // the new filter (a long walk in the mirror) must not be requested.
  // Which filter the list has stood at the top for since it was chosen: not a matter of time
  // (a busy machine may take longer than the settle delay to jump), so deep pages of a new
  // filter wait until the list has been at its top once.
  const [toppedFor, setToppedFor] = useState(filterKey);
  if (firstPage <= 1 && toppedFor !== filterKey) setToppedFor(filterKey);
  const settled = useDebounced(`${firstPage}:${lastPage}:${filterKey}`, PAGE_SETTLE_MS);
  const [settledFirst = 0, settledLast = -1] =
    toppedFor === filterKey && settled.endsWith(`:${filterKey}`) ? settled.split(':').map(Number) : [];
  const pages = useQueries({
    queries: pageNumbers.map((p) => ({
      ...auditQueries.page(bridge, filter, p),
      enabled: settledFirst <= settledLast && p >= settledFirst - 1 && p <= settledLast + 1,
    })),
  });
  const rowAt = (index: number): AuditEvent | undefined => {
    if (preview) return preview[index];
    const page = Math.floor(index / AUDIT_PAGE);
    const data = page === 0 && head.data ? head.data : pages[pageNumbers.indexOf(page)]?.data;
    return data?.events[index - page * AUDIT_PAGE];
  };
  const pageError = pages.find((p) => p.isError)?.error;

  useEffect(() => {
    virtualizer.measure();
  }, [virtualizer, total]);

  return (
    <div className="event-list">
      <p className="muted small" role="status">
        {countLine(preview, head.isPending, capped ? counted : null, total)}
      </p>
      <ErrorNote error={head.error ?? pageError} />
      <GridHead />
      <div
        ref={scroller}
        className="event-scroller"
        role="table"
        aria-label="Audit events"
        aria-rowcount={total}
        tabIndex={0}
      >
        {!head.isPending && !preview && total === 0 && (
          <p className="empty">
            {waitingForFirstSync ? 'Fetching events from the shop…' : 'No events match these filters.'}
          </p>
        )}
        <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const event = rowAt(item.index);
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 1}
                className={`event-row${item.index % 2 ? ' odd' : ''}`}
                style={{ height: item.size, transform: `translateY(${item.start}px)` }}
              >
                {event ? (
                  <EventCells event={event} onFilter={onFilter} canSeeAll={canSeeAll} onOpen={onOpen} />
                ) : (
                  <span role="cell" className="muted">
                    Loading…
                  </span>
                )}
              </div>
            );
          })}
        </div>
      </div>
      {window && (
        <OlderHistory window={window} filter={filter} onFilter={onFilter} canSeeAll={canSeeAll} onOpen={onOpen} />
      )}
    </div>
  );
}
