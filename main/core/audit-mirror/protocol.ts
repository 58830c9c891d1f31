import type { AuditCheckpoint, AuditEvent, AuditSigningKey } from '../../../shared/api/audit';
import type { AuditFilter, AuditReverifyStatus } from '../../../shared/ipc/contract';
import type { RewriteProblem, TrustedKey } from './checkpoint-store';
import type { ExportInfo } from '../../../shared/audit/export-format';
import type { PreparedPage, VerifyState } from './prepare';
import type { MirrorState } from './store-state';

export type ExportFormat = 'csv' | 'jsonl';

/** The calls the main thread makes to the mirror's worker, with what each returns. */
export interface MirrorOps {
  state: { args: Record<string, never>; result: MirrorState };
  /** Stores a page the verifier thread prepared. */
  ingestPrepared: { args: { page: PreparedPage }; result: { state: MirrorState; nextAfter: number; received: number } };
  /** `keepSince`: a supervisor's window starts here; older events are dropped in the background (retention.ts). */
  markSynced: { args: { at: string; keepSince: string | null }; result: MirrorState };
  /** A new copy starts at its window: after `seq`, the chain continuing from `hash`. */
  startAt: { args: { seq: number; hash: string }; result: MirrorState };
  settle: { args: Record<string, never>; result: null };
  query: {
    args: { filter: AuditFilter; offset: number; limit: number };
    result: { total: number; events: AuditEvent[] };
  };
  /** The caller of query `id` no longer wants it: it stops at its next step (see AuditStore.query). */
  cancel: { args: { id: number }; result: null };
  export: {
    args: {
      filter: AuditFilter;
      format: ExportFormat;
      filePath: string;
      header: Omit<ExportInfo, 'format' | 'version'>;
      keys: AuditSigningKey[];
    };
    result: { count: number };
  };
  /** Stores the shop's whole checkpoint list and finds any it changed or dropped (see checkpoint-store.ts). */
  storeCheckpointList: { args: { items: AuditCheckpoint[] }; result: MirrorState };
  /** Checks the next batch of unsettled checkpoints with these keys; `more` while batches remain. */
  checkCheckpoints: { args: { keys: TrustedKey[] }; result: { state: MirrorState; more: boolean } };
  /** The key ids of checkpoints waiting for a key this console has not pinned. */
  unknownKeyIds: { args: Record<string, never>; result: string[] };
  /** Records that the shop's history was rewritten at or before `seq` (the first such finding stays). */
  markRewritten: { args: { seq: number; problem: RewriteProblem }; result: MirrorState };
  /** Resolves once queued maintenance (filter indexes after a bulk sync, statistics) is done. */
  maintained: { args: Record<string, never>; result: null };
  /** Resolves once every text chunk has its trigram index. */
  searchReady: { args: Record<string, never>; result: null };
  /** Resolves once the page cache holds what queries read, as far as it fits (after the upkeep under way). */
  warmed: { args: Record<string, never>; result: null };
  /** Starts checking every stored event again unless a pass is under way (answers at once; see ReverifyNotice). */
  reverify: { args: Record<string, never>; result: ReverifyNotice };
  close: { args: Record<string, never>; result: null };
}

/**
 * Posted by the store thread unasked (it has no id): a re-verification pass's progress, at most
 * every REVERIFY_NOTICE_MS while it runs and at its end, with the state (a problem found is recorded there).
 */
export interface ReverifyNotice {
  notice: 'reverify';
  reverify: AuditReverifyStatus;
  state: MirrorState;
}

export const REVERIFY_NOTICE_MS = 250;

/** Posted by the store thread unasked: its state after background work changed it (events dropped from the window). */
export interface StateNotice {
  notice: 'state';
  state: MirrorState;
}

export const isStateNotice = (message: unknown): message is StateNotice =>
  typeof message === 'object' && message !== null && (message as { notice?: unknown }).notice === 'state';

export const isReverifyNotice = (message: unknown): message is ReverifyNotice =>
  typeof message === 'object' && message !== null && (message as { notice?: unknown }).notice === 'reverify';

export type MirrorOp = keyof MirrorOps;

export type MirrorRequest = { [K in MirrorOp]: { id: number; op: K; args: MirrorOps[K]['args'] } }[MirrorOp];

export type MirrorResponse =
  | { id: number; ok: true; result: unknown }
  /** `code`: the shop's refusal code, when the shop refused (say `token_expired`). */
  | { id: number; ok: false; error: { message: string; code?: string } };

/** GET /audit/events?after=&limit= with this bearer token (the main thread holds the sign-in). */
export interface PageRequest {
  after: number;
  limit: number;
  token: string | null;
}

/**
 * The calls the main thread makes to the verifier thread (same file, role 'verifier'), which
 * fetches the pages itself: the responses' bytes never reach the main thread.
 */
export interface VerifierOps {
  /** Starts fetching a page (a request ahead); answers at once. */
  fetch: { args: PageRequest; result: null };
  /** The page at `after` (fetched now unless a request for it is in flight), validated, verified from `from`, as COPY rows. */
  prepare: { args: PageRequest & { from: VerifyState }; result: PreparedPage };
  /** Aborts every request in flight (the sync ended) and answers once they have all settled. */
  forget: { args: Record<string, never>; result: null };
  close: { args: Record<string, never>; result: null };
}

export type VerifierRequest = {
  [K in keyof VerifierOps]: { id: number; op: K; args: VerifierOps[K]['args'] };
}[keyof VerifierOps];

export type MirrorWorkerData =
  | {
      role: 'store';
      dataDir: string | null;
      /** A new folder starts as a copy of this one (template.ts). */
      templateDir: string | null;
      bulkBacklog: number | null;
      searchChunk: number | null;
    }
  | { role: 'verifier'; shopUrl: string; timeoutMs: number | null };
