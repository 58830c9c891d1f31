import type { ApiClient } from '../api/api-client';
import { ShopRefusedError } from '../errors';
import { isLive, type SessionEntries, type SessionEntry } from './session-entries';
import type { SessionEnding } from './session-ending';

/**
 * "This console is still here": each open session's console lease renewed on a timer, whatever
 * the agent does. Only the lease moves; the idle deadline stays the agent's.
 */

export interface LeaseRenewal {
  /** Renews every open session's lease (one renewal per session at a time). */
  renewAll: () => void;
}

export function createLeaseRenewal(deps: {
  /** The signed-in API client (throws when signed out). */
  api: () => ApiClient;
  entries: SessionEntries;
  ending: SessionEnding;
  /** Asks the shop about one session (after a refused renewal). */
  check: (entry: SessionEntry) => Promise<void>;
  log: (message: string) => void;
}): LeaseRenewal {
  const { api, entries, ending, log } = deps;

  async function renew(entry: SessionEntry): Promise<void> {
    if (!isLive(entry) || entry.renewing) return;
    entry.renewing = true;
    try {
      const session = await api().renewLease(entry.session.id);
      if (session.status === 'ended') await ending.endedElsewhere(entry, session);
      else if (isLive(entry)) entries.adopt(entry, session);
    } catch (error) {
      log(`renewing the console lease of ${entry.session.id} failed: ${String(error)}`);
      // Refused: the session probably ended elsewhere; the shop says which way.
      if (error instanceof ShopRefusedError) await deps.check(entry);
    } finally {
      entry.renewing = false;
    }
  }

  return {
    renewAll() {
      for (const entry of entries.all()) {
        renew(entry).catch((error: unknown) => {
          log(`renewing the console lease of ${entry.session.id} failed: ${String(error)}`);
        });
      }
    },
  };
}
