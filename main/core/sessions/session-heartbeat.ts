import type { ApiClient } from '../api/api-client';
import { ShopRefusedError } from '../errors';
import type { SessionEntries, SessionEntry } from './session-entries';
import type { SessionEnding } from './session-ending';

/** The agent's activity in a view, told to the shop as at most one heartbeat per interval. */

export interface Heartbeats {
  /** The agent did something in this session's view. */
  activity: (sessionId: string) => void;
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
  };
}
