import type { Staff } from '../../shared/api/auth';
import type { StreamMessage } from '../../shared/api/events';
import { maySeeSession } from '../assist/manage';
import { inReadScope, readScopeOf } from '../audit/read-scope';
import type { FeedBatch } from './audit-feed';

/**
 * What one stream's reader is told of a batch, decided per event with the REST routes' own rules:
 * each session they may read, once, as it now stands (id: its last event in the batch), then the
 * newest event of the log they may read.
 */
export function messagesFor(staff: Staff, batch: FeedBatch): StreamMessage[] {
  const messages: StreamMessage[] = [];
  const lastOfSession = new Map<string, number>();
  for (const event of batch.events) if (event.sessionId !== null) lastOfSession.set(event.sessionId, event.seq);
  const scope = readScopeOf(staff);
  let head: number | null = null;
  for (const event of batch.events) {
    const session = event.sessionId === null ? undefined : batch.sessions.get(event.sessionId);
    if (session && lastOfSession.get(session.id) === event.seq && maySeeSession(staff, session.staffId))
      messages.push({ event: 'session', id: event.seq, data: session });
    if (scope && inReadScope(scope, event, session?.staffId ?? null)) head = event.seq;
  }
  if (head !== null) messages.push({ event: 'audit-head', id: head, data: { seq: head } });
  return messages;
}

/** One message on the wire: `id`, `event`, `data` lines and a blank line. */
export function sseText(message: StreamMessage): string {
  return `id: ${String(message.id)}\nevent: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`;
}

/** A sign-out or a token's reuse by the reader may have revoked the stream's own token: check it at once. */
export const mayRevokeTokensOf = (staffId: string, batch: FeedBatch): boolean =>
  batch.events.some((e) => e.actorId === staffId && e.action.startsWith('staff.'));
