import type { AssistSession, EndReason } from '../../../shared/api/sessions';
import type { OpenSession } from '../../../shared/ipc/contract';
import type { ApiClient } from '../api/api-client';
import { ConsoleRefusedError } from '../errors';
import { asLogFn, defaultLogger } from '../logging';
import type { OpenSessionsJournal } from './open-sessions-journal';
import type { PartitionPool } from '../partition-pool';
import { createCountdown } from './session-countdown';
import { createSessionEntries, isLive, openSessionOf } from './session-entries';
import { createSessionEnding } from './session-ending';
import { createModeSwitch, type ModeChange } from './session-mode';
import { createHeartbeats } from './session-heartbeat';
import { createLeaseRenewal } from './session-lease-renewal';
import { createSessionPolling } from './session-polling';
import { createSessionStarter, type StartArgs } from './session-start';
import { createViewProblems } from './session-view-problems';
import type { ViewHost } from '../view-host';

/**
 * The assisted sessions open in this console: start (step-up, then create), heartbeat while
 * the agent is active, the console lease renewed on a timer whatever the agent does, a local
 * countdown from the server's deadlines, end (server first, then the view), and discovery of
 * sessions ended elsewhere (a supervisor, a timeout) by polling. Each session is in the journal
 * from its start until the shop confirms its end, so a crashed run's sessions can be ended later.
 * This wires the session-*.ts pieces together and runs their timers.
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
  /** "I'm still here": an activity heartbeat now, moving the idle deadline. */
  keepAlive(sessionId: string): Promise<OpenSession>;
  /** Switches an open session between view and act without ending it (act: with a step-up). */
  switchMode(change: ModeChange): Promise<OpenSession>;
  /** Loads the session's storefront again after it crashed or hung. */
  reloadView(sessionId: string): Promise<OpenSession>;
  /** Checks every open session with the shop now (also runs on the poll interval). */
  pollNow(): Promise<void>;
  /** The shop's event stream told how a session stands: an end decided elsewhere tears it down at once. */
  told(session: AssistSession): Promise<void>;
  /** While the event stream is live the shop tells every change, so the poll interval rests; off: polling again. */
  setStreamLive(live: boolean): void;
  dispose(): void;
}

export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const { api, viewHost, pool } = options;
  const now = options.now ?? Date.now;
  const intervals = options.intervals ?? realIntervals;
  const log = options.log ?? asLogFn(defaultLogger('sessions'));
  const entries = createSessionEntries({ now, journal: options.journal, onChange: options.onChange, log });
  const ending = createSessionEnding({ api, viewHost, pool, entries, log });
  const { check, told, poll, pollNow } = createSessionPolling({ api, entries, ending, log });
  let streamLive = false;
  let disposed = false;
  const countdown = createCountdown({ now, entries, viewHost, pollNow, log });
  const renewal = createLeaseRenewal({ api, entries, ending, check, log });
  const heartbeats = createHeartbeats({
    api,
    now,
    intervalMs: options.heartbeatIntervalMs ?? 30_000,
    entries,
    ending,
    check,
    log,
  });
  const problems = createViewProblems({ entries, viewHost, log });
  const start = createSessionStarter({
    api,
    viewHost,
    pool,
    now,
    entries,
    ending,
    check,
    activity: (sessionId) => {
      manager.activity(sessionId);
    },
    end: (sessionId) => manager.end(sessionId),
    keepAlive: (sessionId) => manager.keepAlive(sessionId),
    trouble: (sessionId, trouble) => {
      problems.report(sessionId, trouble);
    },
    log,
  });

  const tickHandle = intervals.setInterval(() => {
    countdown.tick();
  }, options.tickMs ?? 1000);
  const pollHandle = intervals.setInterval(() => {
    if (!streamLive) void poll();
  }, options.pollIntervalMs ?? 3000);
  const renewHandle = intervals.setInterval(() => {
    renewal.renewAll();
  }, options.leaseRenewIntervalMs ?? 20_000);

  const manager: SessionManager = {
    start,
    list: entries.list,
    async end(sessionId, reason = 'ended_by_agent') {
      const entry = entries.get(sessionId);
      if (!entry) throw new ConsoleRefusedError('session_not_open', 'This session is not open in this console.');
      if (entry.state === 'ended') {
        entries.delete(sessionId);
        entries.emit();
        return openSessionOf(entry);
      }
      if (entry.state !== 'ending') await ending.endAtShop(entry, reason);
      return openSessionOf(entry);
    },
    async endAll(reason) {
      await Promise.all(
        entries
          .all()
          .filter(isLive)
          .map((e) =>
            ending.endAtShop(e, reason).catch((error: unknown) => {
              log(`ending ${e.session.id} failed: ${String(error)}`);
            }),
          ),
      );
      entries.clear();
      entries.emit();
    },
    async terminate(sessionId, note) {
      const session = await api().endSession(sessionId, { reason: 'terminated_by_supervisor', note });
      const entry = entries.get(sessionId);
      if (entry) await ending.endedElsewhere(entry, session);
      return session;
    },
    activity: heartbeats.activity,
    switchMode: createModeSwitch({ api, entries, viewHost, check }),
    keepAlive: heartbeats.keepAlive,
    reloadView: problems.reload,
    pollNow,
    // A disposed manager (app exit, a console given up) acts on nothing the shop still says.
    told: (session) => (disposed ? Promise.resolve() : told(session)),
    setStreamLive(live) {
      streamLive = live;
    },
    dispose() {
      disposed = true;
      entries.leaveJournal();
      intervals.clearInterval(tickHandle);
      intervals.clearInterval(pollHandle);
      intervals.clearInterval(renewHandle);
    },
  };
  return manager;
}
