import { END_SESSION_SHORTCUT } from '../../../shared/ipc/contract';

/**
 * Which of a session's two deadlines ends it first, and when the agent is warned: the idle
 * timeout (moved by activity and "I'm still here") or the maximum length (moved by nothing).
 */

export type Deadline = 'idle' | 'max';

export interface Countdowns {
  idleSecondsLeft: number;
  maxSecondsLeft: number;
  idleTimeoutSeconds: number;
}

/** About a minute before the end; half the idle timeout when that is shorter, so "I'm still here" clears the warning. */
export function warningSeconds(deadline: Deadline, idleTimeoutSeconds: number): number {
  return deadline === 'idle' ? Math.min(60, Math.floor(idleTimeoutSeconds / 2)) : 60;
}

/** The deadline that will end the session first. */
export function nextDeadline(c: Pick<Countdowns, 'idleSecondsLeft' | 'maxSecondsLeft'>): Deadline {
  return c.maxSecondsLeft <= c.idleSecondsLeft ? 'max' : 'idle';
}

/** The deadline about to end the session, or null while neither is near. */
export function deadlineWarning(c: Countdowns): { deadline: Deadline; secondsLeft: number } | null {
  const deadline = nextDeadline(c);
  const secondsLeft = deadline === 'idle' ? c.idleSecondsLeft : c.maxSecondsLeft;
  return secondsLeft <= warningSeconds(deadline, c.idleTimeoutSeconds) ? { deadline, secondsLeft } : null;
}

export interface KeyChord {
  key: string;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

/** The end-session shortcut (Ctrl+Shift+E). */
export function isEndShortcut(e: KeyChord): boolean {
  const s = END_SESSION_SHORTCUT;
  return (
    e.key.toLowerCase() === s.key && e.ctrlKey === s.ctrl && e.shiftKey === s.shift && e.altKey === s.alt && !e.metaKey
  );
}
