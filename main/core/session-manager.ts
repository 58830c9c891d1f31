import type { StepUpRequest } from '../../shared/api/auth';
import type { AssistSession, EndReason } from '../../shared/api/sessions';
import type { SessionMode } from '../../shared/api/settings';
import type { BannerState, OpenSession } from '../../shared/ipc/contract';
import type { ApiClient } from './api-client';
import { ConsoleRefusedError, ShopRefusedError, ShopUnreachableError } from './errors';
import { policyFor } from './navigation-policy';
import type { OpenSessionsJournal } from './open-sessions-journal';
import type { PartitionPool, PartitionSlot } from './partition-pool';
import type { ViewHost } from './view-host';
import { asLogFn, defaultLogger } from './logging';

/**
 * The assisted sessions open in this console: start (step-up, then create), heartbeat while
 * the agent is active, the console lease renewed on a timer whatever the agent does, a local
 * countdown from the server's deadlines, end (server first, then the view), and discovery of
 * sessions ended elsewhere (a supervisor, a timeout) by polling. Each session is in the journal
 * from its start until the shop confirms its end, so a crashed run's sessions can be ended later.
 */

export interface Intervals {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const realIntervals: Intervals = {
  setInterval: (fn, ms) => {
    const handle = setInterval(fn, ms);
    handle.unref();
    return handle;
  },
  clearInterval: (handle) => {
    clearInterval(handle as ReturnType<typeof setInterval>);
  },
};

export interface SessionManagerOptions {
  /** The signed-in API client (throws when signed out). */
  api: () => ApiClient;
  viewHost: ViewHost;
  pool: PartitionPool;
  onChange?: (sessions: OpenSession[]) => void;
  now?: () => number;
  intervals?: Intervals;
  /** How often open sessions are checked for an end decided elsewhere. */
  pollIntervalMs?: number;
  /** At most one heartbeat per this many ms while the agent is active. */
  heartbeatIntervalMs?: number;
  /** How often each open session's console lease is renewed (a third of the shop's 60 s lease). */
  leaseRenewIntervalMs?: number;
  /** Where open sessions are recorded for recovery after a crash; none: not recorded. */
  journal?: OpenSessionsJournal;
  /** Countdown refresh for the banner and the tabs. */
  tickMs?: number;
  /** Reports failures that have no caller to return to (background poll, wipe). */
  log?: (message: string) => void;
}

export interface StartArgs {
  customerId: string;
  accountId: string;
  mode: SessionMode;
  reason: string;
  ticket?: string | undefined;
  consentCode?: string | undefined;
  stepUp: StepUpRequest;
}

export interface SessionManager {
  start(args: StartArgs): Promise<OpenSession>;
  list(): OpenSession[];
  /** Ends an open session (server first, then the view); for an already ended one, dismisses it. */
  end(sessionId: string, reason?: EndReason): Promise<OpenSession>;
  /** Ends every open session with this reason and forgets them all (sign-out, app exit). */
  endAll(reason: EndReason): Promise<void>;
  /** A supervisor ends someone's session with a note. */
  terminate(sessionId: string, note: string): Promise<AssistSession>;
  /** The agent did something in this session's view. */
  activity(sessionId: string): void;
  /** Checks every open session with the shop now (also runs on the poll interval). */
  pollNow(): Promise<void>;
  dispose(): void;
}

interface Entry {
  session: AssistSession;
  storeName: string;
  state: OpenSession['state'];
  endedMessage: string | null;
  slot: PartitionSlot | null;
  lastHeartbeatAt: number;
  heartbeatInFlight: boolean;
  renewing: boolean;
  secondsLeft: number;
}

function minutes(seconds: number): string {
  if (seconds % 60 === 0) {
    const m = seconds / 60;
    return m === 1 ? '1 minute' : `${m} minutes`;
  }
  return `${seconds} seconds`;
}

/** Still showing a storefront (the state can change while a call is awaited, so this is a function). */
function isLive(entry: Entry): boolean {
  return entry.state === 'open' || entry.state === 'opening';
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

export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const now = options.now ?? Date.now;
  const intervals = options.intervals ?? realIntervals;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 30_000;
  const log = options.log ?? asLogFn(defaultLogger('sessions'));
  const entries = new Map<string, Entry>();
  let disposed = false;
  let polling: Promise<void> | null = null;

  function view(entry: Entry): OpenSession {
    return {
      session: entry.session,
      storeName: entry.storeName,
      secondsLeft: entry.secondsLeft,
      state: entry.state,
      endedMessage: entry.endedMessage,
    };
  }

  function banner(entry: Entry): BannerState {
    return {
      sessionId: entry.session.id,
      customerName: entry.session.customerName,
      customerEmail: entry.session.customerEmail,
      storeName: entry.storeName,
      mode: entry.session.mode,
      secondsLeft: entry.secondsLeft,
      state: entry.state,
    };
  }

  function list(): OpenSession[] {
    return [...entries.values()].map(view);
  }

  function emit(): void {
    options.onChange?.(list());
  }

  function adopt(entry: Entry, session: AssistSession): void {
    entry.session = session;
    entry.secondsLeft = session.status === 'ended' ? 0 : secondsLeftOf(session, now());
  }

  /** Records a started session in the journal; a failed write is logged (the lease still ends it). */
  async function remember(shopUrl: string, session: AssistSession): Promise<void> {
    try {
      await options.journal?.add({
        shopUrl,
        staffId: session.staffId,
        sessionId: session.id,
        startedAt: session.startedAt,
      });
    } catch (error) {
      log(`recording ${session.id} in the open-sessions journal failed: ${String(error)}`);
    }
  }

  /** The shop has confirmed the end: nothing is left for a later run to end. */
  async function forget(id: string): Promise<void> {
    // A disposed manager (a console going away) leaves the journal to the next run, even if a
    // request it sent before answers now.
    if (disposed) return;
    try {
      await options.journal?.remove([id]);
    } catch (error) {
      log(`removing ${id} from the open-sessions journal failed: ${String(error)}`);
    }
  }

  /**
   * Local teardown once the session is over: view closed, partition wiped. `atShop` false: the
   * shop could not be told, so the journal keeps the session for the next sign-in to end.
   */
  async function teardown(entry: Entry, message: string, atShop = true): Promise<void> {
    // 'ended' is only reported once the view is gone and the partition wiped.
    entry.state = 'ending';
    const id = entry.session.id;
    try {
      await options.viewHost.close(id);
    } catch (error) {
      log(`closing the view of ${id} failed: ${String(error)}`);
    }
    try {
      await options.pool.release(id);
    } catch (error) {
      log(`wiping the partition of ${id} failed; the slot stays out of use: ${String(error)}`);
    }
    entry.slot = null;
    if (atShop) await forget(id);
    entry.state = 'ended';
    entry.endedMessage = message;
    entry.secondsLeft = 0;
    emit();
  }

  async function endedElsewhere(entry: Entry, session: AssistSession): Promise<void> {
    if (!isLive(entry)) return;
    adopt(entry, session);
    await teardown(entry, endedMessageFor(session));
  }

  async function check(entry: Entry): Promise<void> {
    if (!isLive(entry)) return;
    try {
      const session = await options.api().session(entry.session.id);
      if (session.status === 'ended') await endedElsewhere(entry, session);
      else adopt(entry, session);
    } catch (error) {
      if (error instanceof ShopRefusedError && error.status === 404) {
        if (isLive(entry)) await teardown(entry, 'The shop no longer knows this session.');
        return;
      }
      // Unreachable shop or signed out: the next poll tries again; the server-side timeouts still apply.
      if (!(error instanceof ShopUnreachableError)) log(`checking ${entry.session.id} failed: ${String(error)}`);
    }
  }

  /** Background polls coalesce: one round at a time, a tick during a round is dropped. */
  function poll(): Promise<void> {
    polling ??= Promise.all([...entries.values()].map(check))
      .then(() => undefined)
      .finally(() => {
        polling = null;
      });
    return polling;
  }

  /**
   * A round that starts after this call: a round already under way may have read the shop
   * before whatever made the caller ask, so it is awaited and followed by a fresh one.
   */
  async function pollNow(): Promise<void> {
    if (polling) await polling;
    await poll();
  }

  function tick(): void {
    let changed = false;
    let expired = false;
    for (const entry of entries.values()) {
      if (entry.state !== 'open') continue;
      const left = secondsLeftOf(entry.session, now());
      if (left !== entry.secondsLeft) changed = true;
      entry.secondsLeft = left;
      if (left === 0) expired = true;
      options.viewHost.update(banner(entry));
    }
    if (changed) emit();
    // The server decides when a session is over; at zero, ask it rather than wait for the next poll.
    if (expired)
      pollNow().catch((error: unknown) => {
        log(`checking sessions at zero failed: ${String(error)}`);
      });
  }

  const tickHandle = intervals.setInterval(tick, options.tickMs ?? 1000);
  const pollHandle = intervals.setInterval(() => void poll(), options.pollIntervalMs ?? 3000);

  /** "This console is still here": renews the lease only; the idle deadline stays the agent's. */
  async function renew(entry: Entry): Promise<void> {
    if (!isLive(entry) || entry.renewing) return;
    entry.renewing = true;
    try {
      const session = await options.api().renewLease(entry.session.id);
      if (session.status === 'ended') await endedElsewhere(entry, session);
      else if (isLive(entry)) adopt(entry, session);
    } catch (error) {
      log(`renewing the console lease of ${entry.session.id} failed: ${String(error)}`);
      // Refused: the session probably ended elsewhere; the shop says which way.
      if (error instanceof ShopRefusedError) await check(entry);
    } finally {
      entry.renewing = false;
    }
  }

  const renewHandle = intervals.setInterval(() => {
    for (const entry of entries.values()) {
      renew(entry).catch((error: unknown) => {
        log(`renewing the console lease of ${entry.session.id} failed: ${String(error)}`);
      });
    }
  }, options.leaseRenewIntervalMs ?? 20_000);

  async function heartbeat(entry: Entry): Promise<void> {
    entry.heartbeatInFlight = true;
    entry.lastHeartbeatAt = now();
    try {
      const session = await options.api().heartbeat(entry.session.id);
      if (session.status === 'ended') await endedElsewhere(entry, session);
      else adopt(entry, session);
      emit();
    } catch (error) {
      // A refused heartbeat usually means the session ended elsewhere: ask the shop which way.
      if (error instanceof ShopRefusedError) await check(entry);
    } finally {
      entry.heartbeatInFlight = false;
    }
  }

  async function endOne(entry: Entry, reason: EndReason, note?: string): Promise<void> {
    const id = entry.session.id;
    entry.state = 'ending';
    emit();
    let message: string;
    try {
      const session = await options.api().endSession(id, note === undefined ? { reason } : { reason, note });
      adopt(entry, session);
      message = endedMessageFor(session);
    } catch (error) {
      if (error instanceof ShopRefusedError && error.code === 'session_ended') {
        const session = await options
          .api()
          .session(id)
          .catch(() => null);
        message = session ? endedMessageFor(session) : 'This session had already ended.';
      } else if (error instanceof ShopRefusedError && error.status !== 401) {
        // The shop would not end it (e.g. permission): keep the view so nothing looks ended that is not.
        entry.state = 'open';
        emit();
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

  const manager: SessionManager = {
    async start(args) {
      if (options.pool.inUse() >= options.pool.size) {
        throw new ConsoleRefusedError(
          'no_free_slot',
          `All ${options.pool.size} storefront slots are in use; end a session first.`,
        );
      }
      const api = options.api();
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
      });
      const { session, handoffUrl } = created;
      const store = stores.find((s) => s.id === session.storeId);
      const entry: Entry = {
        session,
        storeName: store?.name ?? session.storeId,
        state: 'opening',
        endedMessage: null,
        slot: null,
        lastHeartbeatAt: now(),
        heartbeatInFlight: false,
        renewing: false,
        secondsLeft: secondsLeftOf(session, now()),
      };
      const slot = options.pool.acquire(session.id);
      if (!slot || !store) {
        await api.endSession(session.id, { reason: 'ended_by_agent' }).catch(() => undefined);
        if (slot) await options.pool.release(session.id);
        throw slot
          ? new ConsoleRefusedError('unknown_store', `The shop did not list the session's store (${session.storeId}).`)
          : new ConsoleRefusedError(
              'no_free_slot',
              `All ${options.pool.size} storefront slots are in use; end a session first.`,
            );
      }
      entry.slot = slot;
      await remember(api.shopUrl, session);
      entries.set(session.id, entry);
      emit();
      try {
        const policy = policyFor([store], [handoffUrl]);
        await options.viewHost.open(view(entry), slot, handoffUrl, policy, {
          onActivity: () => {
            manager.activity(session.id);
          },
          onEndRequested: () => {
            void manager.end(session.id).catch((error: unknown) => {
              log(`ending ${session.id} from the banner failed: ${String(error)}`);
            });
          },
        });
      } catch (error) {
        await endOne(entry, 'ended_by_agent').catch(() => undefined);
        entries.delete(session.id);
        emit();
        throw error;
      }
      // The handoff is redeemed by now: read the session back so the tab starts from the shop's
      // state (active), or learns at once that the shop ended it while the view was opening.
      await check(entry);
      if (entries.get(session.id)?.state === 'opening') entry.state = 'open';
      emit();
      options.viewHost.update(banner(entry));
      return view(entry);
    },
    list,
    async end(sessionId, reason = 'ended_by_agent') {
      const entry = entries.get(sessionId);
      if (!entry) throw new ConsoleRefusedError('session_not_open', 'This session is not open in this console.');
      if (entry.state === 'ended') {
        entries.delete(sessionId);
        emit();
        return view(entry);
      }
      if (entry.state !== 'ending') await endOne(entry, reason);
      return view(entry);
    },
    async endAll(reason) {
      await Promise.all(
        [...entries.values()]
          .filter((e) => e.state === 'open' || e.state === 'opening')
          .map((e) =>
            endOne(e, reason).catch((error: unknown) => {
              log(`ending ${e.session.id} failed: ${String(error)}`);
            }),
          ),
      );
      entries.clear();
      emit();
    },
    async terminate(sessionId, note) {
      const session = await options.api().endSession(sessionId, { reason: 'terminated_by_supervisor', note });
      const entry = entries.get(sessionId);
      if (entry) await endedElsewhere(entry, session);
      return session;
    },
    activity(sessionId) {
      const entry = entries.get(sessionId);
      if (!entry || entry.state !== 'open' || entry.heartbeatInFlight) return;
      if (now() - entry.lastHeartbeatAt < heartbeatIntervalMs) return;
      heartbeat(entry).catch((error: unknown) => {
        log(`the heartbeat of ${sessionId} failed: ${String(error)}`);
      });
    },
    pollNow,
    dispose() {
      disposed = true;
      intervals.clearInterval(tickHandle);
      intervals.clearInterval(pollHandle);
      intervals.clearInterval(renewHandle);
    },
  };
  return manager;
}
