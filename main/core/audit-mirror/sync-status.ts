import {
  REVERIFY_IDLE,
  SIGNING_UNKNOWN,
  type AuditReverifyStatus,
  type AuditSigningStatus,
  type AuditSyncStatus,
} from '../../../shared/ipc/contract';
import type { MirrorState } from './store-state';

export type SyncPhase = { state: AuditSyncStatus['state']; message: string | null };

/**
 * The mirror's status as the console shows it: the sync's phase (idle, syncing, error) with the
 * store's latest state, what the shop's signed checkpoints say, how far a re-verification got,
 * and the listeners told of every change.
 */
export interface SyncStatusTracker {
  /** The state last published, null before the first. */
  last(): MirrorState | null;
  setPhase(phase: SyncPhase): void;
  setSigning(signing: AuditSigningStatus): void;
  setReverify(reverify: AuditReverifyStatus): void;
  toStatus(state: MirrorState): AuditSyncStatus;
  /** Records the state and tells every listener; returns the status it told them. */
  publish(state: MirrorState): AuditSyncStatus;
  listen(listener: (status: AuditSyncStatus) => void): () => void;
  clear(): void;
}

export function syncStatusTracker(scope: AuditSyncStatus['scope']): SyncStatusTracker {
  const listeners = new Set<(status: AuditSyncStatus) => void>();
  let phase: SyncPhase = { state: 'idle', message: null };
  let signing = SIGNING_UNKNOWN;
  let reverify = REVERIFY_IDLE;
  let last: MirrorState | null = null;
  const toStatus = (s: MirrorState): AuditSyncStatus => ({
    state: phase.state,
    scope,
    lastSeq: s.cursor,
    headSeq: s.headSeq,
    synced: s.stored,
    message: phase.message,
    verification: s.bad ? { ok: false, badSeq: s.bad.seq, problem: s.bad.problem } : { ok: true, checked: s.checked },
    lastSyncAt: s.lastSyncAt,
    signing,
    reverify,
  });
  return {
    last: () => last,
    setPhase: (next) => {
      phase = next;
    },
    setSigning: (next) => {
      signing = next;
    },
    setReverify: (next) => {
      reverify = next;
    },
    toStatus,
    publish: (s) => {
      last = s;
      const status = toStatus(s);
      for (const listener of listeners) listener(status);
      return status;
    },
    listen: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    clear: () => {
      listeners.clear();
    },
  };
}
