import { z } from 'zod';
import {
  AuditCheckpointPage,
  AuditKeys,
  AuditRecent,
  AuditSearchPage,
  AuditStaffDirectory,
  type AuditSearchQuery,
} from '../../../shared/api/audit';
import { LoginResponse, Staff, StepUpResponse, TokenResponse, type StepUpRequest } from '../../../shared/api/auth';
import {
  AssistSession,
  CreateSessionResponse,
  HeartbeatResponse,
  SessionListResponse,
  SessionTimelineResponse,
  type CreateSessionRequest,
  type EndSessionRequest,
  type SessionListQuery,
} from '../../../shared/api/sessions';
import { AssistPolicy, Settings } from '../../../shared/api/settings';
import {
  Customer,
  CustomerSearchResponse,
  DocumentsResponse,
  ShopDocumentDetail,
  Store,
  type CustomerSearchQuery,
  type DocumentType,
} from '../../../shared/api/shop';
import { CustomerActiveSessionsResponse, type ChangeModeRequest } from '../../../shared/api/sessions';
import type { ShopRequests } from './api-requests';

/**
 * The Assistance API's endpoints as typed calls, one small factory per area over the shared
 * requests: staff sign-in, shop data (stores and customers), settings, assisted sessions, audit.
 */

/** For reads: `signal` aborts the request to the shop (the call then rejects with CallCancelledError). */
export interface ReadOptions {
  signal?: AbortSignal | undefined;
}

const id = (value: string) => encodeURIComponent(value);

const EmptyOrSession = z.union([HeartbeatResponse.transform((r) => r.session), AssistSession]);

export function staffAuthCalls({ call, send }: ShopRequests) {
  return {
    login: (email: string, password: string) =>
      call({ method: 'post', path: 'auth/login', json: { email, password }, auth: false }, LoginResponse),
    verifyMfa: (mfaToken: string, code: string) =>
      call({ method: 'post', path: 'auth/mfa', json: { mfaToken, code }, auth: false }, TokenResponse),
    refresh: (refreshToken: string) =>
      call({ method: 'post', path: 'auth/refresh', json: { refreshToken }, auth: false }, TokenResponse),
    // No body: ends this console's sign-in and the sessions it started, never the staff member's others.
    logout: (): Promise<void> => send({ method: 'post', path: 'auth/logout' }),
    me: () => call({ method: 'get', path: 'me' }, Staff),
    stepUp: (body: StepUpRequest) => call({ method: 'post', path: 'auth/step-up', json: body }, StepUpResponse),
  };
}

export function shopDataCalls({ call }: ShopRequests) {
  return {
    stores: (read: ReadOptions = {}) => call({ method: 'get', path: 'stores', signal: read.signal }, z.array(Store)),
    searchCustomers: (query: Partial<CustomerSearchQuery>, read: ReadOptions = {}) =>
      call(
        {
          method: 'get',
          path: 'customers',
          searchParams: {
            q: query.q,
            storeId: query.storeId,
            consent: query.consent,
            limit: query.limit,
            cursor: query.cursor,
          },
          signal: read.signal,
        },
        CustomerSearchResponse,
      ),
    customer: (customerId: string, read: ReadOptions = {}) =>
      call({ method: 'get', path: `customers/${id(customerId)}`, signal: read.signal }, Customer),
    documents: (customerId: string, type?: DocumentType, read: ReadOptions = {}) =>
      call(
        { method: 'get', path: `customers/${id(customerId)}/documents`, searchParams: { type }, signal: read.signal },
        DocumentsResponse,
      ),
    document: (customerId: string, documentId: string, read: ReadOptions = {}) =>
      call(
        { method: 'get', path: `customers/${id(customerId)}/documents/${id(documentId)}`, signal: read.signal },
        ShopDocumentDetail,
      ),
  };
}

export function settingsCalls({ call }: ShopRequests) {
  return {
    settings: () => call({ method: 'get', path: 'settings' }, Settings),
    saveSettings: (settings: Settings) => call({ method: 'put', path: 'settings', json: settings }, Settings),
    assistPolicy: () => call({ method: 'get', path: 'assist-policy' }, AssistPolicy),
  };
}

export function sessionCalls({ call }: ShopRequests) {
  return {
    createSession: (body: CreateSessionRequest) =>
      call({ method: 'post', path: 'assist-sessions', json: body }, CreateSessionResponse),
    listSessions: (query: Partial<SessionListQuery>) =>
      call(
        {
          method: 'get',
          path: 'assist-sessions',
          searchParams: {
            status: query.status,
            customerId: query.customerId,
            staffId: query.staffId,
            limit: query.limit,
          },
        },
        SessionListResponse,
      ),
    session: (sessionId: string) => call({ method: 'get', path: `assist-sessions/${id(sessionId)}` }, EmptyOrSession),
    /** The session's latest audit events from the shop itself, fresher than the audit mirror. */
    sessionTimeline: (sessionId: string, read: ReadOptions = {}) =>
      call(
        { method: 'get', path: `assist-sessions/${id(sessionId)}/timeline`, signal: read.signal },
        SessionTimelineResponse,
      ),
    /** Agent activity: moves the idle deadline and renews the console lease. */
    heartbeat: (sessionId: string) =>
      call({ method: 'post', path: `assist-sessions/${id(sessionId)}/heartbeat`, json: {} }, EmptyOrSession),
    /** The console is still there: renews the console lease only (`activity: false`). */
    renewLease: (sessionId: string) =>
      call(
        { method: 'post', path: `assist-sessions/${id(sessionId)}/heartbeat`, json: { activity: false } },
        EmptyOrSession,
      ),
    endSession: (sessionId: string, body: EndSessionRequest) =>
      call({ method: 'post', path: `assist-sessions/${id(sessionId)}/end`, json: body }, EmptyOrSession),
    /** Switches a live session between view and act (act: a step-up token of this sign-in). */
    changeMode: (sessionId: string, body: ChangeModeRequest) =>
      call({ method: 'post', path: `assist-sessions/${id(sessionId)}/mode`, json: body }, EmptyOrSession),
    /** Who has a session open with this customer now, colleagues included: name, mode, start. */
    customerActiveSessions: (customerId: string, read: ReadOptions = {}) =>
      call(
        { method: 'get', path: `customers/${id(customerId)}/active-sessions`, signal: read.signal },
        CustomerActiveSessionsResponse,
      ),
  };
}

export function auditCalls({ bytes, call }: ShopRequests) {
  return {
    /** Every staff member's name and email, for the viewer's staff filter (`audit.read.all`). */
    auditStaff: (read: ReadOptions = {}) =>
      call({ method: 'get', path: 'audit/staff', signal: read.signal }, AuditStaffDirectory),
    // The page's JSON bytes, unparsed on purpose: the audit mirror's verifier thread parses and
    // validates every page against AuditPage, which keeps parsing and copying 1,000 events per
    // page off the main thread during a long sync.
    auditEvents: (after: number, limit: number, read: ReadOptions = {}): Promise<ArrayBuffer> =>
      bytes({ method: 'get', path: 'audit/events', searchParams: { after, limit }, signal: read.signal }),
    /** The newest events the signed-in person may read, newest first (shown while the mirror opens). */
    auditRecent: (limit: number, read: ReadOptions = {}) =>
      call({ method: 'get', path: 'audit/recent', searchParams: { limit }, signal: read.signal }, AuditRecent),
    /** The shop's whole log under the viewer's filters, newest first (history older than a mirror's window). */
    auditSearch: (query: Partial<AuditSearchQuery>, read: ReadOptions = {}) =>
      call({ method: 'get', path: 'audit/search', searchParams: { ...query }, signal: read.signal }, AuditSearchPage),
    /** The keys the shop signs checkpoints with, retired ones included. */
    auditKeys: (read: ReadOptions = {}) => call({ method: 'get', path: 'audit/keys', signal: read.signal }, AuditKeys),
    /** Signed checkpoints after `after`, in seq order. */
    auditCheckpoints: (after: number, limit: number, read: ReadOptions = {}) =>
      call(
        { method: 'get', path: 'audit/checkpoints', searchParams: { after, limit }, signal: read.signal },
        AuditCheckpointPage,
      ),
  };
}
