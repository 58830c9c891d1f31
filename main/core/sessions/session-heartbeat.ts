import type { ApiClient } from '../api/api-client';
import type { OpenSession } from '../../../shared/ipc/contract';
import { ConsoleRefusedError, ShopRefusedError } from '../errors';
import { openSessionOf } from './session-entries';
import type { SessionEntries, SessionEntry } from './session-entries';
import type { SessionEnding } from './session-ending';

/**
 * The agent's activity in a view, told to the shop as at most one heartbeat per interval, and
 * "I'm still here", told at once.
 */

export interface Heartbeats {
  /** The agent did something in this session's view. */
  activity: (sessionId: string) => void;
  /** The agent said "I'm still here": an activity heartbeat now, whatever the interval; answers the session as it stands. */
  keepAlive: (sessionId: string) => Promise<OpenSession>;
}

export function createHeartbeats(deps: {
  /** The signed-in API client (throws when signed out). */
  api: () => ApiClient;
  now: () => number;
  /** At most one heartbeat per this many ms. */
  intervalMs: number;
  entries: SessionEntries;
  ending: SessionEnding;
  /** Asks the shop about one session (after a refused heartbeat). */
  check: (entry: SessionEntry) => Promise<void>;
  log: (message: string) => void;
}): Heartbeats {
  const { api, now, entries, ending, log } = deps;

  async function heartbeat(entry: SessionEntry): Promise<void> {
    entry.heartbeatInFlight = true;
    entry.lastHeartbeatAt = now();
    try {
      const session = await api().heartbeat(entry.session.id);
      if (session.status === 'ended') await ending.endedElsewhere(entry, session);
      else entries.adopt(entry, session);
      entries.emit();
    } catch (error) {
      // A refused heartbeat usually means the session ended elsewhere: ask the shop which way.
      if (error instanceof ShopRefusedError) await deps.check(entry);
    } finally {
      entry.heartbeatInFlight = false;
    }
  }

  return {
    activity(sessionId) {
      const entry = entries.get(sessionId);
      if (!entry || entry.state !== 'open' || entry.heartbeatInFlight) return;
      if (now() - entry.lastHeartbeatAt < deps.intervalMs) return;
      heartbeat(entry).catch((error: unknown) => {
        log(`the heartbeat of ${sessionId} failed: ${String(error)}`);
      });
    },
    async keepAlive(sessionId) {
      const entry = entries.get(sessionId);
      if (!entry || (entry.state !== 'open' && entry.state !== 'opening'))
        throw new ConsoleRefusedError('session_not_open', 'This session is not open in this console.');
      // Not skipped for a heartbeat in flight: that one may be a lease-only renewal's answer racing this.
      await heartbeat(entry);
      return openSessionOf(entry);
    },
  };
}
