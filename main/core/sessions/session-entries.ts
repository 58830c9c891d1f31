import type { AssistSession } from '../../../shared/api/sessions';
import type { BannerState, OpenSession, ViewProblem } from '../../../shared/ipc/contract';
import type { OpenSessionsJournal } from './open-sessions-journal';
import type { PartitionSlot } from '../partition-pool';
import { countdownOf, ENDED_COUNTDOWN, type SessionCountdown } from './session-presentation';

/**
 * The sessions open in this console, each one record from its start until the agent dismisses
 * it, and their lines in the open-sessions journal: added at the start, removed once the shop
 * has confirmed the end, so a crashed run's sessions can be ended later.
 */

export interface SessionEntry extends SessionCountdown {
  session: AssistSession;
  storeName: string;
  state: OpenSession['state'];
  endedMessage: string | null;
  /** The view's trouble the agent is shown instead of a blank storefront; null while it is fine. */
  problem: ViewProblem | null;
  slot: PartitionSlot | null;
  lastHeartbeatAt: number;
  heartbeatInFlight: boolean;
  renewing: boolean;
}

/** Still showing a storefront (the state can change while a call is awaited, so this is a function). */
export function isLive(entry: SessionEntry): boolean {
  return entry.state === 'open' || entry.state === 'opening';
}

/** The entry as the tabs see it. */
export function openSessionOf(entry: SessionEntry): OpenSession {
  return {
    session: entry.session,
    storeName: entry.storeName,
    secondsLeft: entry.secondsLeft,
    idleSecondsLeft: entry.idleSecondsLeft,
    maxSecondsLeft: entry.maxSecondsLeft,
    state: entry.state,
    endedMessage: entry.endedMessage,
    problem: entry.problem,
  };
}

/** The entry as its view's banner shows it. */
export function bannerOf(entry: SessionEntry): BannerState {
  return {
    sessionId: entry.session.id,
    customerName: entry.session.customerName,
    customerEmail: entry.session.customerEmail,
    storeName: entry.storeName,
    mode: entry.session.mode,
    reason: entry.session.reason,
    ticket: entry.session.ticket,
    secondsLeft: entry.secondsLeft,
    idleSecondsLeft: entry.idleSecondsLeft,
    maxSecondsLeft: entry.maxSecondsLeft,
    idleTimeoutSeconds: entry.session.idleTimeoutSeconds,
    state: entry.state,
  };
}

export interface SessionEntries {
  get: (sessionId: string) => SessionEntry | undefined;
  /** Every entry, in the order they were added (a copy: safe to change the set while going through it). */
  all: () => SessionEntry[];
  add: (entry: SessionEntry) => void;
  delete: (sessionId: string) => void;
  clear: () => void;
  list: () => OpenSession[];
  /** Tells `onChange` the current list. */
  emit: () => void;
  /** Takes the shop's copy of the session and recounts the seconds left. */
  adopt: (entry: SessionEntry, session: AssistSession) => void;
  /** Records a started session in the journal; a failed write is logged (the lease still ends it). */
  remember: (shopUrl: string, session: AssistSession) => Promise<void>;
  /** The shop has confirmed the end: nothing is left for a later run to end. */
  forget: (sessionId: string) => Promise<void>;
  /** The console is going away: the journal is left as it is for the next run. */
  leaveJournal: () => void;
}

export function createSessionEntries(deps: {
  now: () => number;
  journal?: OpenSessionsJournal | undefined;
  onChange?: ((sessions: OpenSession[]) => void) | undefined;
  log: (message: string) => void;
}): SessionEntries {
  const { now, journal, log } = deps;
  const entries = new Map<string, SessionEntry>();
  let journalLeft = false;

  function list(): OpenSession[] {
    return [...entries.values()].map(openSessionOf);
  }

  return {
    get: (sessionId) => entries.get(sessionId),
    all: () => [...entries.values()],
    add(entry) {
      entries.set(entry.session.id, entry);
    },
    delete(sessionId) {
      entries.delete(sessionId);
    },
    clear() {
      entries.clear();
    },
    list,
    emit() {
      deps.onChange?.(list());
    },
    adopt(entry, session) {
      entry.session = session;
      Object.assign(entry, session.status === 'ended' ? ENDED_COUNTDOWN : countdownOf(session, now()));
    },
    async remember(shopUrl, session) {
      try {
        await journal?.add({
          shopUrl,
          staffId: session.staffId,
          sessionId: session.id,
          startedAt: session.startedAt,
        });
      } catch (error) {
        log(`recording ${session.id} in the open-sessions journal failed: ${String(error)}`);
      }
    },
    async forget(sessionId) {
      // A disposed manager (a console going away) leaves the journal to the next run, even if a
      // request it sent before answers now.
      if (journalLeft) return;
      try {
        await journal?.remove([sessionId]);
      } catch (error) {
        log(`removing ${sessionId} from the open-sessions journal failed: ${String(error)}`);
      }
    },
    leaveJournal() {
      journalLeft = true;
    },
  };
}
