import type { AssistSession } from '../../../shared/api/sessions';
import type { ApiClient } from '../api/api-client';
import { ShopRefusedError, ShopUnreachableError } from '../errors';
import { isLive, type SessionEntries, type SessionEntry } from './session-entries';
import type { SessionEnding } from './session-ending';

/**
 * Asking the shop about each open session, to learn of ends decided elsewhere (a supervisor, a
 * timeout): on the poll interval, at the countdown's zero, and after a refused heartbeat or renewal.
 */

export interface SessionPolling {
  /** Reads one session back from the shop: adopts it, or tears it down when it has ended. */
  check: (entry: SessionEntry) => Promise<void>;
  /** The shop told us how a session stands (its event stream): the same as a check's answer, without asking. */
  told: (session: AssistSession) => Promise<void>;
  /** A background round over every open session; rounds coalesce, a tick during a round is dropped. */
  poll: () => Promise<void>;
  /**
   * A round that starts after this call: a round already under way may have read the shop
   * before whatever made the caller ask, so it is awaited and followed by a fresh one.
   */
  pollNow: () => Promise<void>;
}

export function createSessionPolling(deps: {
  /** The signed-in API client (throws when signed out). */
  api: () => ApiClient;
  entries: SessionEntries;
  ending: SessionEnding;
  log: (message: string) => void;
}): SessionPolling {
  const { api, entries, ending, log } = deps;
  let polling: Promise<void> | null = null;

  async function settle(entry: SessionEntry, session: AssistSession): Promise<void> {
    if (session.status === 'ended') await ending.endedElsewhere(entry, session);
    else entries.adopt(entry, session);
  }

  async function check(entry: SessionEntry): Promise<void> {
    if (!isLive(entry)) return;
    try {
      await settle(entry, await api().session(entry.session.id));
    } catch (error) {
      if (error instanceof ShopRefusedError && error.status === 404) {
        if (isLive(entry)) await ending.teardown(entry, 'The shop no longer knows this session.');
        return;
      }
      // Unreachable shop or signed out: the next poll tries again; the server-side timeouts still apply.
      if (!(error instanceof ShopUnreachableError)) log(`checking ${entry.session.id} failed: ${String(error)}`);
    }
  }

  function poll(): Promise<void> {
    polling ??= Promise.all(entries.all().map(check))
      .then(() => undefined)
      .finally(() => {
        polling = null;
      });
    return polling;
  }

  async function pollNow(): Promise<void> {
    if (polling) await polling;
    await poll();
  }

  async function told(session: AssistSession): Promise<void> {
    const entry = entries.get(session.id);
    if (entry && isLive(entry)) await settle(entry, session);
  }

  return { check, told, poll, pollNow };
}
