import type { StepUpRequest } from '../../../shared/api/auth';
import type { SessionMode } from '../../../shared/api/settings';
import type { OpenSession } from '../../../shared/ipc/contract';
import type { ApiClient } from '../api/api-client';
import { ConsoleRefusedError } from '../errors';
import { policyFor } from '../navigation-policy';
import type { PartitionPool } from '../partition-pool';
import { bannerOf, openSessionOf, type SessionEntries, type SessionEntry } from './session-entries';
import type { SessionEnding } from './session-ending';
import { countdownOf } from './session-presentation';
import type { ViewHost } from '../view-host';
import type { ViewTrouble } from './session-view-problems';

/**
 * Starting a session: a free storefront slot first, then step-up and creation at the shop, the
 * journal line, the view on the handoff URL, and the session read back once the view is open.
 */

export interface StartArgs {
  customerId: string;
  accountId: string;
  mode: SessionMode;
  reason: string;
  ticket?: string | undefined;
  consentCode?: string | undefined;
  /** The storefront opens on this document's page; the shop checks it is the account's. */
  landingDocumentId?: string | undefined;
  stepUp: StepUpRequest;
}

export interface SessionStartDeps {
  /** The signed-in API client (throws when signed out). */
  api: () => ApiClient;
  viewHost: ViewHost;
  pool: PartitionPool;
  now: () => number;
  entries: SessionEntries;
  ending: SessionEnding;
  /** Reads the session back from the shop once its view is open. */
  check: (entry: SessionEntry) => Promise<void>;
  /** What the view reports: the agent's activity, and the banner's end and "I'm still here" buttons. */
  activity: (sessionId: string) => void;
  end: (sessionId: string) => Promise<unknown>;
  keepAlive: (sessionId: string) => Promise<unknown>;
  /** The view's trouble (a crash, a hang, a refused certificate), or null once it shows a page again. */
  trouble: (sessionId: string, trouble: ViewTrouble | null) => void;
  log: (message: string) => void;
}

const noFreeSlot = (pool: PartitionPool) =>
  new ConsoleRefusedError('no_free_slot', `All ${pool.size} storefront slots are in use; end a session first.`);

export function createSessionStarter(deps: SessionStartDeps): (args: StartArgs) => Promise<OpenSession> {
  const { viewHost, pool, now, entries, log } = deps;

  return async function start(args) {
    if (pool.inUse() >= pool.size) throw noFreeSlot(pool);
    const api = deps.api();
    const { stepUpToken } = await api.stepUp(args.stepUp);
    const stores = await api.stores();
    const created = await api.createSession({
      customerId: args.customerId,
      accountId: args.accountId,
      mode: args.mode,
      reason: args.reason,
      stepUpToken,
      ...(args.ticket ? { ticket: args.ticket } : {}),
      ...(args.consentCode ? { consentCode: args.consentCode } : {}),
      ...(args.landingDocumentId ? { landingDocumentId: args.landingDocumentId } : {}),
    });
    const { session, handoffUrl } = created;
    const store = stores.find((s) => s.id === session.storeId);
    const entry: SessionEntry = {
      session,
      storeName: store?.name ?? session.storeId,
      state: 'opening',
      endedMessage: null,
      problem: null,
      slot: null,
      lastHeartbeatAt: now(),
      heartbeatInFlight: false,
      renewing: false,
      ...countdownOf(session, now()),
    };
    const slot = pool.acquire(session.id);
    if (!slot || !store) {
      await api.endSession(session.id, { reason: 'ended_by_agent' }).catch(() => undefined);
      if (slot) await pool.release(session.id);
      throw slot
        ? new ConsoleRefusedError('unknown_store', `The shop did not list the session's store (${session.storeId}).`)
        : noFreeSlot(pool);
    }
    entry.slot = slot;
    await entries.remember(api.shopUrl, session);
    entries.add(entry);
    entries.emit();
    try {
      const policy = policyFor([store], [handoffUrl]);
      await viewHost.open(openSessionOf(entry), slot, handoffUrl, policy, {
        onActivity: () => {
          deps.activity(session.id);
        },
        onEndRequested: () => {
          void deps.end(session.id).catch((error: unknown) => {
            log(`ending ${session.id} from the banner failed: ${String(error)}`);
          });
        },
        onTrouble: (trouble) => {
          deps.trouble(session.id, trouble);
        },
        onKeepAliveRequested: () => {
          void deps.keepAlive(session.id).catch((error: unknown) => {
            log(`keeping ${session.id} alive from the banner failed: ${String(error)}`);
          });
        },
      });
    } catch (error) {
      await deps.ending.endAtShop(entry, 'ended_by_agent').catch(() => undefined);
      entries.delete(session.id);
      entries.emit();
      throw error;
    }
    // The handoff is redeemed by now: read the session back so the tab starts from the shop's
    // state (active), or learns at once that the shop ended it while the view was opening.
    await deps.check(entry);
    if (entries.get(session.id)?.state === 'opening') entry.state = 'open';
    entries.emit();
    viewHost.update(bannerOf(entry));
    return openSessionOf(entry);
  };
}
