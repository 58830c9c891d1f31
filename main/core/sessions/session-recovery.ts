import type { AuthState, RecoveredSession, RecoveryNotice } from '../../../shared/ipc/contract';
import type { ApiClient } from '../api/api-client';
import type { EventSink } from '../console-core';
import { NotSignedInError, ShopRefusedError, ShopUnreachableError } from '../errors';
import type { JournalEntry, OpenSessionsJournal } from './open-sessions-journal';
import { endedMessageFor } from './session-presentation';

/**
 * At sign-in (or a restored sign-in), ends the sessions this console's journal names for that
 * shop and staff member which a crashed run left behind, and tells the agent what it found.
 * Only this console's journal is read, so another console's sessions of the same agent stay.
 */

export interface SessionRecoveryOptions {
  journal: OpenSessionsJournal;
  /** The signed-in API client (throws when signed out). */
  api: () => ApiClient;
  /** Sessions open in this run: never ended here. */
  openHere: () => readonly string[];
  emit: EventSink;
  log: (message: string) => void;
}

export interface SessionRecovery {
  /** Feed every auth state: a new sign-in starts a recovery run, a sign-out drops the notice. */
  onAuthState(state: AuthState): void;
  notice(): RecoveryNotice | null;
  dismiss(): void;
  /** The run under way, if any (tests and shutdown wait for it). */
  settled(): Promise<void>;
}

/** What to do with one journal entry: report it, keep it for the next sign-in, or drop it. */
type Outcome = { kind: 'report'; session: RecoveredSession } | { kind: 'keep' } | { kind: 'drop' };

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** The notice's one-line summary, e.g. "1 session from your last run was still open; it has been ended." */
export function recoveryMessage(sessions: readonly RecoveredSession[]): string {
  const now = sessions.filter((s) => s.outcome === 'ended_now').length;
  const already = sessions.filter((s) => s.outcome === 'already_ended');
  const parts: string[] = [];
  if (now > 0) {
    parts.push(
      `${now} ${plural(now, 'session', 'sessions')} from your last run ${plural(now, 'was', 'were')} still open at the shop and ${plural(now, 'has', 'have')} now been ended.`,
    );
  }
  if (already.length > 0) {
    const lost = already.every((s) => s.endReason === 'console_lost');
    parts.push(
      `${already.length} ${plural(already.length, 'session', 'sessions')} from your last run had already been ended by the shop${lost ? ' because the console stopped answering' : ''}.`,
    );
  }
  return parts.join(' ');
}

async function settleEntry(api: ApiClient, entry: JournalEntry, log: (message: string) => void): Promise<Outcome> {
  const id = entry.sessionId;
  try {
    const ended = await api.endSession(id, { reason: 'app_exit' });
    return {
      kind: 'report',
      session: {
        sessionId: id,
        customerName: ended.customerName,
        outcome: 'ended_now',
        endReason: ended.endReason,
        detail: 'Ended now, when you signed in again.',
      },
    };
  } catch (error) {
    if (error instanceof ShopRefusedError && error.code === 'session_ended') {
      try {
        const seen = await api.session(id);
        return {
          kind: 'report',
          session: {
            sessionId: id,
            customerName: seen.customerName,
            outcome: 'already_ended',
            endReason: seen.endReason,
            detail: endedMessageFor(seen),
          },
        };
      } catch (readError) {
        log(`reading ${id}, left open by the last run, failed: ${String(readError)}`);
        return readError instanceof ShopRefusedError && readError.status !== 401 ? { kind: 'drop' } : { kind: 'keep' };
      }
    }
    // Not reachable or no longer signed in: the next sign-in tries again.
    if (
      error instanceof ShopUnreachableError ||
      error instanceof NotSignedInError ||
      (error instanceof ShopRefusedError && error.status === 401)
    ) {
      return { kind: 'keep' };
    }
    log(`ending ${id}, left open by the last run, failed: ${String(error)}`);
    return { kind: 'drop' };
  }
}

export function createSessionRecovery(options: SessionRecoveryOptions): SessionRecovery {
  let current: RecoveryNotice | null = null;
  /** `shop staff` of the sign-in recovered for; null while signed out. */
  let signedInAs: string | null = null;
  let running: Promise<void> = Promise.resolve();

  function publish(notice: RecoveryNotice | null): void {
    current = notice;
    options.emit('sessions.recovery', { notice });
  }

  async function recover(key: string, shopUrl: string, staffId: string): Promise<void> {
    const open = new Set(options.openHere());
    const entries = (await options.journal.list()).filter(
      (e) => e.shopUrl === shopUrl && e.staffId === staffId && !open.has(e.sessionId),
    );
    if (entries.length === 0) return;
    const api = options.api();
    const outcomes = await Promise.all(
      entries.map(async (entry) => ({ entry, outcome: await settleEntry(api, entry, options.log) })),
    );
    await options.journal.remove(outcomes.filter((o) => o.outcome.kind !== 'keep').map((o) => o.entry.sessionId));
    const sessions = outcomes.flatMap((o) => (o.outcome.kind === 'report' ? [o.outcome.session] : []));
    // A sign-out (or another agent's sign-in) meanwhile: this notice is no longer theirs to see.
    if (sessions.length > 0 && signedInAs === key) publish({ message: recoveryMessage(sessions), sessions });
  }

  return {
    onAuthState(state) {
      if (state.status !== 'signed_in') {
        if (signedInAs !== null && state.status === 'signed_out') {
          signedInAs = null;
          if (current) publish(null);
        }
        return;
      }
      const key = `${state.shopUrl} ${state.staff.id}`;
      if (signedInAs === key) return;
      signedInAs = key;
      if (current) publish(null);
      const previous = running;
      running = previous
        .then(() => recover(key, state.shopUrl, state.staff.id))
        .catch((error: unknown) => {
          options.log(`ending the sessions left by the last run failed: ${String(error)}`);
        });
    },
    notice: () => current,
    dismiss() {
      if (current) publish(null);
    },
    settled: () => running,
  };
}
