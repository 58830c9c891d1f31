import type { AssistSession } from '../../../shared/api/sessions';

/** How a session is put to the agent: the words for why it ended, and the seconds its countdown shows. */

function minutes(seconds: number): string {
  if (seconds % 60 === 0) {
    const m = seconds / 60;
    return m === 1 ? '1 minute' : `${m} minutes`;
  }
  return `${seconds} seconds`;
}

/** Who ended it, as the agent reads it: "Sam Supervisor (supervisor)", or "a supervisor" when the shop does not say. */
function ender(endedBy: AssistSession['endedBy'] | undefined): string {
  return endedBy ? `${endedBy.name} (${endedBy.role})` : 'a supervisor';
}

/** What ended a session, in words for the agent; the only place its note (the reason) is shown. */
export function endedMessageFor(
  session: Pick<AssistSession, 'endReason' | 'endNote' | 'idleTimeoutSeconds'> &
    Partial<Pick<AssistSession, 'endedBy'>>,
): string {
  const note = session.endNote?.trim();
  switch (session.endReason) {
    case 'ended_by_agent':
      return 'You ended this session.';
    case 'terminated_by_supervisor':
      return note ? `Ended by ${ender(session.endedBy)}: ${note}` : `Ended by ${ender(session.endedBy)}.`;
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
      return `Ended: your access to assisted sessions was withdrawn${note ? ` (${note})` : ''}.`;
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
  return countdownOf(session, nowMs).secondsLeft;
}

/** Each of a session's deadlines as seconds left: the agent is told which one will end it. */
export interface SessionCountdown {
  /** The earlier of the two. */
  secondsLeft: number;
  idleSecondsLeft: number;
  maxSecondsLeft: number;
}

export const ENDED_COUNTDOWN: SessionCountdown = { secondsLeft: 0, idleSecondsLeft: 0, maxSecondsLeft: 0 };

export function countdownOf(
  session: Pick<AssistSession, 'expiresAt' | 'lastActivityAt' | 'idleTimeoutSeconds'>,
  nowMs: number,
): SessionCountdown {
  const left = (endMs: number) => Math.max(0, Math.floor((endMs - nowMs) / 1000));
  const maxSecondsLeft = left(Date.parse(session.expiresAt));
  const idleSecondsLeft = left(Date.parse(session.lastActivityAt) + session.idleTimeoutSeconds * 1000);
  return { secondsLeft: Math.min(maxSecondsLeft, idleSecondsLeft), idleSecondsLeft, maxSecondsLeft };
}
