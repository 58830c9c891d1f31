import {
  REVERIFY_IDLE,
  SIGNING_UNKNOWN,
  type AuditReverifyStatus,
  type AuditSigningStatus,
  type AuditSyncStatus,
  type AuditWindow,
} from '../../../shared/ipc/contract';
import { CHAIN_START } from '../../../shared/audit/chain';
import type { MirrorState } from './store-state';

export type SyncPhase = { state: AuditSyncStatus['state']; message: string | null };

/**
 * The mirror's status as the console shows it: the phase (opening, idle, syncing, error) with the
 * store's latest state, what the shop's signed checkpoints say, how far a re-verification got,
 * and the listeners told of every change.
 */
export interface SyncStatusTracker {
  /** The state last published, null before the first. */
  last(): MirrorState | null;
  phase(): SyncPhase;
  setPhase(phase: SyncPhase): void;
  setSigning(signing: AuditSigningStatus): void;
  setReverify(reverify: AuditReverifyStatus): void;
  toStatus(state: MirrorState): AuditSyncStatus;
  /** Records the state and tells every listener; returns the status it told them. */
  publish(state: MirrorState): AuditSyncStatus;
  listen(listener: (status: AuditSyncStatus) => void): () => void;
  clear(): void;
}

/** A store that holds nothing yet (what the status shows while the mirror opens). */
export const EMPTY_MIRROR_STATE: MirrorState = {
  cursor: 0,
  headSeq: 0,
  stored: 0,
  chain: CHAIN_START,
  checked: 0,
  bad: null,
  lastSyncAt: null,
  searchUpto: 0,
  lastAtMs: 0,
  atInOrder: true,
  signed: { checked: 0, compared: 0, lastSeq: 0, rewritten: null },
  heldAfter: 0,
};

/** `windowOf`: the window a copy that holds events after `heldAfter` reports (window.ts's windowStatus). */
export function syncStatusTracker(
  scope: AuditSyncStatus['scope'],
  initial: SyncPhase = { state: 'idle', message: null },
  windowOf: (heldAfter: number) => AuditWindow | null = () => null,
): SyncStatusTracker {
  const listeners = new Set<(status: AuditSyncStatus) => void>();
  let phase: SyncPhase = initial;
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
    window: windowOf(s.heldAfter),
  });
  return {
    last: () => last,
    phase: () => phase,
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
