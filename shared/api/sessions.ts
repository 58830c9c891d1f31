import { z } from 'zod';
import { AuditEvent } from './audit';
import { Role } from './auth';
import { Id, Timestamp } from './common';
import { SessionMode } from './settings';

export const SessionStatus = z.enum(['pending', 'active', 'ended']);
export type SessionStatus = z.infer<typeof SessionStatus>;

export const EndReason = z.enum([
  'ended_by_agent',
  'terminated_by_supervisor',
  'idle_timeout',
  'max_length',
  'sign_out',
  'app_exit',
  'ended_by_customer',
  /** The staff member was disabled or lost the permission for the session's mode. */
  'access_revoked',
  /** The agent's console stopped renewing the session's console lease (killed, power lost, cut off). */
  'console_lost',
]);
export type EndReason = z.infer<typeof EndReason>;

export const AssistSession = z.object({
  id: Id,
  staffId: Id,
  staffName: z.string(),
  customerId: Id,
  customerName: z.string(),
  customerEmail: z.string(),
  accountId: Id,
  storeId: Id,
  mode: SessionMode,
  reason: z.string(),
  ticket: z.string().nullable(),
  status: SessionStatus,
  startedAt: Timestamp,
  expiresAt: Timestamp,
  lastActivityAt: Timestamp,
  idleTimeoutSeconds: z.number().int(),
  /** Until when the agent's console holds the session: renewed by heartbeats, ends it as console_lost when it lapses. */
  consoleLeaseExpiresAt: Timestamp,
  endedAt: Timestamp.nullable(),
  endReason: EndReason.nullable(),
  /** Free text given by whoever ended it (a supervisor's reason). */
  endNote: z.string().nullable(),
  /** The staff member who ended it (agent or supervisor); null while live or when the shop or the customer ended it. */
  endedBy: z.object({ name: z.string(), role: Role }).nullable(),
  /** The storefront page the agent last opened, in words (its title), its path, and when. */
  currentPage: z.string().nullable(),
  currentPagePath: z.string().nullable(),
  currentPageAt: Timestamp.nullable(),
});
export type AssistSession = z.infer<typeof AssistSession>;

/** `GET /assist-sessions/:id/timeline`: the session's latest audit events (pages, actions), oldest first. */
export const SessionTimelineResponse = z.object({
  events: z.array(AuditEvent),
  /** How many events the session has in all; more than `events.length` when only the latest are sent. */
  total: z.number().int().min(0),
});
export type SessionTimelineResponse = z.infer<typeof SessionTimelineResponse>;

export const CreateSessionRequest = z.object({
  customerId: Id,
  accountId: Id,
  mode: SessionMode,
  reason: z.string().trim().min(3, 'give a reason').max(500),
  ticket: z.string().trim().max(100).optional(),
  stepUpToken: z.string().min(1).max(256).optional(),
  consentCode: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'must be 6 digits')
    .optional(),
  /** A document of the account (e.g. the order the customer calls about): the storefront opens on its page. */
  landingDocumentId: Id.optional(),
});
export type CreateSessionRequest = z.infer<typeof CreateSessionRequest>;

export const CreateSessionResponse = z.object({
  session: AssistSession,
  handoffUrl: z.url(),
});
export type CreateSessionResponse = z.infer<typeof CreateSessionResponse>;

export const SessionListQuery = z.object({
  status: SessionStatus.optional(),
  customerId: Id.optional(),
  staffId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type SessionListQuery = z.infer<typeof SessionListQuery>;

export const SessionListResponse = z.object({ items: z.array(AssistSession) });
export type SessionListResponse = z.infer<typeof SessionListResponse>;

export const EndSessionRequest = z.object({
  reason: EndReason.optional(),
  note: z.string().trim().max(500).optional(),
});
export type EndSessionRequest = z.infer<typeof EndSessionRequest>;

/**
 * `POST /assist-sessions/:id/heartbeat`: every heartbeat renews the console lease; `activity`
 * (default true) also counts as agent activity and moves the idle deadline. The console sends
 * `{"activity": false}` on a timer to say only "still here".
 */
export const HeartbeatRequest = z.object({
  activity: z
    .boolean()
    .optional()
    .meta({ description: 'Agent activity (default true): moves lastActivityAt. false renews only the console lease.' }),
});
export type HeartbeatRequest = z.infer<typeof HeartbeatRequest>;

export const HeartbeatResponse = z.object({ session: AssistSession });
export type HeartbeatResponse = z.infer<typeof HeartbeatResponse>;

/**
 * `POST /assist-sessions/:id/mode`: the session's own agent switches it between view and act
 * without ending it. To act needs the same as starting an act session: assist.act, a step-up
 * token of this sign-in, and consent where the settings require it; back to view needs nothing.
 */
export const ChangeModeRequest = z.object({
  mode: SessionMode,
  stepUpToken: z.string().min(1).max(256).optional(),
});
export type ChangeModeRequest = z.infer<typeof ChangeModeRequest>;

/**
 * `GET /customers/:id/active-sessions`: who is in this customer's account right now, for any staff
 * who may start sessions (so a second session is warned about, colleagues' included); names, mode
 * and start only.
 */
export const CustomerActiveSession = z.object({ staffName: z.string(), mode: SessionMode, startedAt: Timestamp });
export type CustomerActiveSession = z.infer<typeof CustomerActiveSession>;
export const CustomerActiveSessionsResponse = z.object({ items: z.array(CustomerActiveSession) });
export type CustomerActiveSessionsResponse = z.infer<typeof CustomerActiveSessionsResponse>;
