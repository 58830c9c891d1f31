import type { AssistSession } from '../../../shared/api/sessions';

/** How a session is put to the agent: the words for why it ended, and the seconds its countdown shows. */

function minutes(seconds: number): string {
  if (seconds % 60 === 0) {
    const m = seconds / 60;
    return m === 1 ? '1 minute' : `${m} minutes`;
  }
  return `${seconds} seconds`;
}

/** What ended a session, in words for the agent. */
export function endedMessageFor(session: Pick<AssistSession, 'endReason' | 'endNote' | 'idleTimeoutSeconds'>): string {
  const note = session.endNote?.trim();
  switch (session.endReason) {
    case 'ended_by_agent':
      return 'You ended this session.';
    case 'terminated_by_supervisor':
      return note ? `Ended by a supervisor: ${note}` : 'Ended by a supervisor.';
    case 'idle_timeout':
      return `Ended after ${minutes(session.idleTimeoutSeconds)} without activity.`;
    case 'max_length':
      return 'Ended: the maximum session length was reached.';
    case 'sign_out':
      return 'Ended when you signed out.';
    case 'app_exit':
      return 'Ended when the console closed.';
    case 'ended_by_customer':
      return 'Ended by the customer.';
    case 'access_revoked':
      return 'Ended: your access to assisted sessions was withdrawn.';
    case 'console_lost':
      return 'Ended: the console stopped answering the shop.';
    case null:
      return 'This session has ended.';
  }
}

/** Seconds until the earlier of the session's maximum length and its idle deadline. */
export function secondsLeftOf(
  session: Pick<AssistSession, 'expiresAt' | 'lastActivityAt' | 'idleTimeoutSeconds'>,
  nowMs: number,
): number {
  const hardEnd = Date.parse(session.expiresAt);
  const idleEnd = Date.parse(session.lastActivityAt) + session.idleTimeoutSeconds * 1000;
  return Math.max(0, Math.floor((Math.min(hardEnd, idleEnd) - nowMs) / 1000));
}
