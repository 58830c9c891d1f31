import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { DocumentType } from '../../../shared/api/shop';
import type { AuditFilter, ConsoleBridge, IpcArgs } from '../../../shared/ipc/contract';
import { call } from '../bridge/call';
import { channelKey, ipcQuery } from '../bridge/ipc-query';
import { AUDIT_PAGE, OLDER_PAGE, TIMELINE_LIMIT } from '../audit/paging';

/**
 * Every query the console makes, by area: its key, its fetch and how long an answer stays fresh.
 * Screens add only what is theirs (`enabled`, `placeholderData`, `refetchInterval`); events and
 * mutations write to the same cache entries through these keys (`.queryKey`), typed by the channel.
 */

const MINUTE = 60_000;

/** Answers main keeps current with its own events: never stale, never refetched on their own. */
const KEPT_BY_EVENTS = Infinity;

export const authQueries = {
  /** main's sign-in state, kept current by its `auth.changed` event. */
  state: (bridge: ConsoleBridge) =>
    queryOptions({ ...ipcQuery(bridge, 'auth.state', {}), staleTime: KEPT_BY_EVENTS, retry: false }),
};

export const shopQueries = {
  stores: (bridge: ConsoleBridge) => queryOptions({ ...ipcQuery(bridge, 'shop.stores', {}), staleTime: 5 * MINUTE }),
  searchCustomers: (bridge: ConsoleBridge, args: IpcArgs<'shop.searchCustomers'>) =>
    queryOptions({ ...ipcQuery(bridge, 'shop.searchCustomers', args), staleTime: 30_000 }),
  customer: (bridge: ConsoleBridge, id: string) => ipcQuery(bridge, 'shop.customer', { id }),
  documents: (bridge: ConsoleBridge, customerId: string, type: DocumentType) =>
    ipcQuery(bridge, 'shop.documents', { customerId, type }),
  /** A customer's documents of every type, newest first (the start dialog's store choice follows the newest). */
  recentDocuments: (bridge: ConsoleBridge, customerId: string) => ipcQuery(bridge, 'shop.documents', { customerId }),
  /** One document with lines, totals, addresses and related documents (the customer page's panel). */
  document: (bridge: ConsoleBridge, customerId: string, documentId: string) =>
    queryOptions({ ...ipcQuery(bridge, 'shop.document', { customerId, documentId }), staleTime: 30_000 }),
  sessions: (bridge: ConsoleBridge, args: IpcArgs<'shop.sessions'>) => ipcQuery(bridge, 'shop.sessions', args),
  /** A customer's live sessions: everyone's with `sessions.read.all`, otherwise only the staff member's own. */
  liveWithCustomer: (bridge: ConsoleBridge, customerId: string) =>
    ipcQuery(bridge, 'shop.sessions', { customerId, status: 'active' }),
  /** Who has a session open with this customer now, colleagues included: name, mode and start only. */
  activeWithCustomer: (bridge: ConsoleBridge, customerId: string) =>
    ipcQuery(bridge, 'shop.customerActiveSessions', { customerId }),
  /** Every `shop.sessions` list, whatever it was filtered by. */
  allSessions: channelKey('shop.sessions'),
  /** One live session's pages and actions, from the shop (not the audit mirror). */
  sessionTimeline: (bridge: ConsoleBridge, sessionId: string) =>
    ipcQuery(bridge, 'shop.sessionTimeline', { sessionId }),
  /** The settings subset the start-session dialog follows. */
  assistPolicy: (bridge: ConsoleBridge) =>
    queryOptions({ ...ipcQuery(bridge, 'shop.assistPolicy', {}), staleTime: MINUTE }),
  settings: (bridge: ConsoleBridge) => ipcQuery(bridge, 'shop.settings', {}),
};

export const sessionQueries = {
  /** The sessions open in this console, kept current by main's `sessions.changed` event. */
  open: (bridge: ConsoleBridge) =>
    queryOptions({ ...ipcQuery(bridge, 'sessions.open', {}), staleTime: KEPT_BY_EVENTS }),
  recovery: (bridge: ConsoleBridge) => ipcQuery(bridge, 'sessions.recovery', {}),
};

export const liveQueries = {
  /** The shop's event stream's state, kept current by main's `live.state` event. */
  state: (bridge: ConsoleBridge) => queryOptions({ ...ipcQuery(bridge, 'live.state', {}), staleTime: KEPT_BY_EVENTS }),
};

export const auditQueries = {
  /** main's audit mirror status, kept current by its `audit.status` event. */
  status: (bridge: ConsoleBridge) =>
    queryOptions({ ...ipcQuery(bridge, 'audit.status', {}), staleTime: KEPT_BY_EVENTS }),
  /** Every page and timeline of the mirror, whatever the filter. */
  all: channelKey('audit.query'),
  /** Page `page` (from 0) of the events that pass `filter`, AUDIT_PAGE events each. */
  page: (bridge: ConsoleBridge, filter: AuditFilter, page: number) =>
    queryOptions({
      ...ipcQuery(bridge, 'audit.query', { filter, offset: page * AUDIT_PAGE, limit: AUDIT_PAGE }),
      staleTime: 30_000,
    }),
  /**
   * The filter over history older than the mirror holds (seqs up to `heldAfter`), from the shop, a
   * page of OLDER_PAGE at a time; asked again once the copy's window has moved on.
   */
  older: (bridge: ConsoleBridge, filter: AuditFilter, heldAfter: number) =>
    infiniteQueryOptions({
      queryKey: ['audit.older', filter, heldAfter] as const,
      queryFn: ({ pageParam, signal }) =>
        call(bridge, 'audit.older', { filter, before: pageParam, limit: OLDER_PAGE }, { signal }),
      initialPageParam: null as number | null,
      getNextPageParam: (last) => last.nextBefore,
      staleTime: MINUTE,
    }),
  /** The newest events from the shop itself, shown until the mirror answers (not verified here). */
  recent: (bridge: ConsoleBridge) =>
    queryOptions({ ...ipcQuery(bridge, 'audit.recent', { limit: AUDIT_PAGE }), staleTime: 10_000 }),
  /** Every staff member's name and email, for the staff filter (`audit.read.all`). */
  staff: (bridge: ConsoleBridge) => queryOptions({ ...ipcQuery(bridge, 'audit.staff', {}), staleTime: 5 * MINUTE }),
  /** One session's events, up to TIMELINE_LIMIT. */
  timeline: (bridge: ConsoleBridge, sessionId: string) =>
    ipcQuery(bridge, 'audit.query', { filter: { sessionId }, offset: 0, limit: TIMELINE_LIMIT }),
};
