import type { AssistSession, EndReason } from '../../../shared/api/sessions';
import type { ApiClient } from '../api/api-client';
import { ShopRefusedError } from '../errors';
import type { PartitionPool } from '../partition-pool';
import { isLive, type SessionEntries, type SessionEntry } from './session-entries';
import { ENDED_COUNTDOWN, endedMessageFor } from './session-presentation';
import type { ViewHost } from '../view-host';

/**
 * Ending a session: at the shop first, then here (view closed, partition wiped, journal line
 * removed), or only here when the shop ended it elsewhere (a supervisor, a timeout).
 */

export interface SessionEnding {
  /**
   * Local teardown once the session is over: view closed, partition wiped. `atShop` false: the
   * shop could not be told, so the journal keeps the session for the next sign-in to end.
   */
  teardown: (entry: SessionEntry, message: string, atShop?: boolean) => Promise<void>;
  /** The shop says the session has ended: tear it down here, if that has not happened yet. */
  endedElsewhere: (entry: SessionEntry, session: AssistSession) => Promise<void>;
  /** Ends the session at the shop, then here; a refusal other than "already ended" keeps it open and throws. */
  endAtShop: (entry: SessionEntry, reason: EndReason, note?: string) => Promise<void>;
}

export function createSessionEnding(deps: {
  /** The signed-in API client (throws when signed out). */
  api: () => ApiClient;
  viewHost: ViewHost;
  pool: PartitionPool;
  entries: SessionEntries;
  log: (message: string) => void;
}): SessionEnding {
  const { api, viewHost, pool, entries, log } = deps;

  async function teardown(entry: SessionEntry, message: string, atShop = true): Promise<void> {
    // 'ended' is only reported once the view is gone and the partition wiped.
    entry.state = 'ending';
    const id = entry.session.id;
    // A partition is wiped for the next customer only once its view is destroyed; a view that
    // would not close keeps its partition out of use for good.
    let closed = true;
    try {
      await viewHost.close(id);
    } catch (error) {
      closed = false;
      log(`closing the view of ${id} failed; its partition is retired: ${String(error)}`);
    }
    try {
      if (closed) await pool.release(id);
      else pool.retire(id);
    } catch (error) {
      log(
        `wiping the partition of ${id} failed; it is retired and its slot continues on a fresh one: ${String(error)}`,
      );
    }
    entry.slot = null;
    if (atShop) await entries.forget(id);
    entry.state = 'ended';
    entry.endedMessage = message;
    Object.assign(entry, ENDED_COUNTDOWN);
    entries.emit();
  }

  async function endedElsewhere(entry: SessionEntry, session: AssistSession): Promise<void> {
    if (!isLive(entry)) return;
    entries.adopt(entry, session);
    await teardown(entry, endedMessageFor(session));
  }

  async function endAtShop(entry: SessionEntry, reason: EndReason, note?: string): Promise<void> {
    const id = entry.session.id;
    entry.state = 'ending';
    entries.emit();
    let message: string;
    try {
      const session = await api().endSession(id, note === undefined ? { reason } : { reason, note });
      entries.adopt(entry, session);
      message = endedMessageFor(session);
    } catch (error) {
      if (error instanceof ShopRefusedError && error.code === 'session_ended') {
        const session = await api()
          .session(id)
          .catch(() => null);
        message = session ? endedMessageFor(session) : 'This session had already ended.';
      } else if (error instanceof ShopRefusedError && error.status !== 401) {
        // The shop would not end it (e.g. permission): keep the view so nothing looks ended that is not.
        entry.state = 'open';
        entries.emit();
        throw error;
      } else {
        // Shop unreachable or sign-in gone: close the view anyway. The shop ends it when the lease
        // this console no longer renews runs out; the journal keeps it for the next sign-in too.
        message =
          'Closed here, but the shop could not be told; it ends the session within a minute, once this console stops renewing it.';
        await teardown(entry, message, false);
        return;
      }
    }
    await teardown(entry, message);
  }

  return { teardown, endedElsewhere, endAtShop };
}
