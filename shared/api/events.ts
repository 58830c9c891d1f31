import { z } from 'zod';
import { AssistSession } from './sessions';

/**
 * `GET /events` (Server-Sent Events). Every message's `id` is the audit seq it stems from, so a
 * client that reconnects with `Last-Event-ID` is sent what changed since. Event names:
 * - `session`: a session the caller may read (their own; everyone's with sessions.read.all)
 *   started, changed (handoff, mode, page) or ended; data is the session as GET /assist-sessions/:id.
 * - `audit-head`: the newest seq of the audit log the caller may read has moved; data `{seq}`.
 * - `ready`: sent once after the catch-up, so a client knows it is live; data `{head}`.
 */
export const STREAM_EVENTS = ['session', 'audit-head', 'ready'] as const;
export const StreamEventName = z.enum(STREAM_EVENTS);
export type StreamEventName = z.infer<typeof StreamEventName>;

export const SessionStreamData = AssistSession;
export const AuditHeadStreamData = z.object({ seq: z.number().int().nonnegative() });
export const ReadyStreamData = z.object({ head: z.number().int().nonnegative() });

/** A message's data by its event name: one table the type checker completes. */
export const STREAM_DATA = {
  session: SessionStreamData,
  'audit-head': AuditHeadStreamData,
  ready: ReadyStreamData,
} as const satisfies Record<StreamEventName, z.ZodType>;

export type StreamMessage =
  | { event: 'session'; id: number; data: z.infer<typeof SessionStreamData> }
  | { event: 'audit-head'; id: number; data: z.infer<typeof AuditHeadStreamData> }
  | { event: 'ready'; id: number; data: z.infer<typeof ReadyStreamData> };

/** `Last-Event-ID`: the audit seq of the last message a client received. */
export const LastEventId = z.string().regex(/^\d{1,15}$/);
