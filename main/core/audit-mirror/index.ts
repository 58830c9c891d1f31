/**
 * The console's audit mirror: a local store of the audit events this staff member may read,
 * synced from GET /audit/events by cursor, verified with the shop's chain function, queryable
 * by the audit viewer. The main-thread side is this thin client; PGlite, hashing, queries and
 * exports run in worker.ts so window handling never waits for them.
 */
import type { AuditEvent } from '../../../shared/api/audit';
import type { AuditFilter, AuditOlderPage, AuditSyncStatus } from '../../../shared/ipc/contract';
import type { TokenSource } from '../api/api-requests';
import type { Logger } from '../logging';
import type { ExportFormat, MirrorOp, MirrorOps } from './protocol';
import { createApiClient } from '../api/api-client';
import { trustListedKey, type CheckpointDeps } from './checkpoints';
import { keyPinsIn, type KeyPins } from './key-pins';
import { queryQueue } from './query-queue';
import { followReverifyNotices, followStateNotices } from './store-notices';
import { peekAtShop, runSync } from './sync-pipeline';
import { olderFromShop, windowStatus } from './window';
import { EMPTY_MIRROR_STATE, syncStatusTracker, type SyncStatusTracker } from './sync-status';
import {
  defaultWorkerUrl,
  startWorker,
  verifierThread,
  workerClient,
  type VerifierThread,
  type WorkerClient,
} from './worker-client';
import { shopBaseOf } from '../../../shared/shop-address';

export { AUDIT_COUNT_CAP } from '../../../shared/ipc/contract';
export type { ExportFormat } from './protocol';

/** The API allows up to 1000 events per page. */
export const MAX_PAGE_SIZE = 1000;

export interface AuditMirrorOptions {
  /** PGlite data directory; undefined keeps the mirror in memory. */
  dataDir?: string | undefined;
  /** An empty mirror folder (template.ts) that a `dataDir` not yet there starts as a copy of. */
  templateDir?: string | undefined;
  /**
   * The shop whose GET /audit/events the mirror reads, and the signed-in staff member's tokens.
   * The verifier thread makes the requests with the API client and parses and validates every
   * page against AuditPage before anything is stored: the pages never reach the main thread,
   * whose garbage collector they kept busy (see docs/PERFORMANCE.md, "Audit mirror: the
   * measurements behind its design"). The main thread sends the access token with each request
   * and refreshes it once when the shop answers `token_expired`.
   */
  source: { shopUrl: string; tokens: TokenSource; timeoutMs?: number };
  pageSize?: number;
  /** all (the default): the staff member reads the whole log (audit.read.all); own: only their own events. */
  scope?: AuditSyncStatus['scope'];
  /**
   * The worker's file. Defaults to worker.ts beside this file (tests, tsx); Electron and the
   * launcher's browser tier pass the built one, out/main/audit-mirror-worker.js (BUILT_WORKER_FILE).
   */
  workerUrl?: URL | string;
  now?: () => Date;
  /** A sync further than this behind the head stores without filter indexes and builds them at the end (default 100,000). */
  bulkBacklog?: number;
  /** Events per free-text chunk (default 131,072; tests use small ones). */
  searchChunk?: number;
  /** Where a re-verification that finds a stored event no longer verifying is logged. */
  logger?: Pick<Logger, 'error'>;
  /** The signing keys this console pinned for this shop (key-pins.ts; default: in memory). */
  keyPins?: KeyPins;
  /** What the status says while the store opens (default: "Opening this computer's copy of the audit log…"). */
  openingMessage?: string;
  /**
   * Days of history a reader of the whole log keeps here (window.ts); older events are the
   * shop's to answer for (`older`). Null or undefined keeps everything; an `own` mirror keeps everything.
   */
  windowDays?: number | null;
}

export interface AuditMirror {
  /** The status once the store has opened (waits for it). */
  status(): Promise<AuditSyncStatus>;
  /** The status now, without waiting: while the store opens, state `opening` (what the viewer shows). */
  statusNow(): AuditSyncStatus;
  /** Resolves once the store has opened, with its status and how long opening took. */
  opened(): Promise<{ status: AuditSyncStatus; openMs: number }>;
  /** Syncs up to the shop's head. Never rejects for shop or network trouble: the status says. */
  sync(): Promise<AuditSyncStatus>;
  /** Starts checking again every stored event and checkpoint (answers at once; the status reports progress). */
  verifyAgain(): Promise<AuditSyncStatus>;
  /** Pins a signing key the shop lists that this console had not pinned, and checks its checkpoints. */
  trustKey(keyId: string): Promise<AuditSyncStatus>;
  /**
   * Newest first. `total` is exact without filters and capped at AUDIT_COUNT_CAP with them.
   * Queries run one at a time; one whose `signal` aborts while it waits is dropped unrun (it
   * rejects with the signal's reason), so queries the viewer no longer wants do not queue.
   */
  query(
    filter: AuditFilter,
    offset: number,
    limit: number,
    signal?: AbortSignal,
  ): Promise<{ total: number; events: AuditEvent[] }>;
  /**
   * The filter over the history this copy does not hold (before its window), one page from the
   * shop, newest first; refused for free text (the shop's search has none). Empty without a window.
   */
  older(filter: AuditFilter, before: number | null, limit: number, signal?: AbortSignal): Promise<AuditOlderPage>;
  /** Writes matching events oldest first; the file appears only when complete. */
  exportTo(filter: AuditFilter, format: ExportFormat, filePath: string): Promise<{ count: number }>;
  /** Resolves once free-text search uses its trigram index for every stored event (results are complete before too). */
  searchReady(): Promise<void>;
  /**
   * Resolves once the upkeep after a sync is done: filter indexes a bulk sync dropped are back
   * and statistics are fresh. Queries are answered (completely) before too, only slower.
   */
  maintained(): Promise<void>;
  /**
   * Resolves once the mirror's page cache holds what queries read (text chunks and their
   * indexes, the primary key, the filter indexes), as far as it fits; the warm-up runs in the
   * background after opening and after a sync, between queries.
   */
  warmed(): Promise<void>;
  onStatus(listener: (status: AuditSyncStatus) => void): () => void;
  close(): Promise<void>;
}

const OPENING_MESSAGE = "Opening this computer's copy of the audit log…";

/**
 * The store's first answer: until then the status says `opening`; then it is published (the
 * viewer hears the mirror is open) unless a sync published first. `took`: milliseconds to open.
 */
function openedStore(store: WorkerClient<MirrorOps>, status: SyncStatusTracker) {
  const started = performance.now();
  const took = store.call('state', {}).then(
    (state) => {
      if (status.phase().state === 'opening') status.setPhase({ state: 'idle', message: null });
      status.publish(status.last() ?? state);
      return performance.now() - started;
    },
    (error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      status.setPhase({
        state: 'error',
        message: `This computer's copy of the audit log could not be opened: ${reason}`,
      });
      status.publish(status.last() ?? EMPTY_MIRROR_STATE);
      throw error;
    },
  );
  took.catch(() => undefined);
  return { took };
}

export function createAuditMirror(options: AuditMirrorOptions): AuditMirror {
  const pageSize = Math.min(Math.max(1, Math.trunc(options.pageSize ?? MAX_PAGE_SIZE)), MAX_PAGE_SIZE);
  const workerUrl = options.workerUrl ?? defaultWorkerUrl();
  const worker = startWorker(workerUrl, {
    role: 'store',
    dataDir: options.dataDir ?? null,
    templateDir: options.templateDir ?? null,
    bulkBacklog: options.bulkBacklog ?? null,
    searchChunk: options.searchChunk ?? null,
  });
  const store = workerClient<MirrorOps>(worker, 'worker');
  const call = <K extends MirrorOp>(op: K, args: MirrorOps[K]['args']) => store.call(op, args);
  // The verifier thread starts once the store has opened: both loading at once slowed opening.
  let verifier: VerifierThread | null = null;
  const verifierNow = () => (verifier ??= verifierThread(workerUrl, options.source));
  const now = options.now ?? (() => new Date());
  const scope = options.scope ?? 'all';
  const windowDays = scope === 'all' ? (options.windowDays ?? null) : null;
  const status = syncStatusTracker(
    scope,
    { state: 'opening', message: options.openingMessage ?? OPENING_MESSAGE },
    (heldAfter) => windowStatus(windowDays, now(), heldAfter),
  );
  const opening = openedStore(store, status);
  void opening.took.then(
    () => closed || verifierNow(),
    () => undefined,
  );
  const api = createApiClient({
    shopUrl: options.source.shopUrl,
    tokens: options.source.tokens,
    ...(options.source.timeoutMs === undefined ? {} : { timeoutMs: options.source.timeoutMs }),
  });
  const checkpoints: CheckpointDeps = {
    api: { auditKeys: () => api.auditKeys(), auditCheckpoints: (after, limit) => api.auditCheckpoints(after, limit) },
    store,
    pins: options.keyPins ?? keyPinsIn(null),
    scope,
    now,
  };
  followReverifyNotices(worker, status, options.logger);
  followStateNotices(worker, status);
  let closed = false;
  let running: Promise<AuditSyncStatus> | null = null;
  const syncDeps = {
    pageSize,
    now,
    checkpoints,
    tokens: options.source.tokens,
    store,
    verifier: () => verifierNow().client(),
    peek: peekAtShop(api),
    window: windowDays === null ? null : { days: windowDays, api },
    status,
    closed: () => closed,
  };

  return {
    status: async () => status.toStatus(status.last() ?? (await call('state', {}))),

    // The store's first answer is published as it arrives (openedStore), so `last` is set once open.
    statusNow: () => status.toStatus(status.last() ?? EMPTY_MIRROR_STATE),

    opened: async () => {
      const openMs = await opening.took;
      return { status: status.toStatus(status.last() ?? (await call('state', {}))), openMs };
    },

    sync: () => {
      if (closed) return Promise.reject(new Error('The audit mirror is closed.'));
      running ??= runSync(syncDeps).finally(() => {
        running = null;
        verifier?.idle();
      });
      return running;
    },

    verifyAgain: async () => {
      if (closed) throw new Error('The audit mirror is closed.');
      const { reverify, state } = await call('reverify', {});
      status.setReverify(reverify);
      return status.publish(status.last() ?? state);
    },

    trustKey: async (keyId) => {
      const signed = await trustListedKey(checkpoints, keyId);
      status.setSigning(signed.signing);
      return status.publish(signed.state);
    },

    query: queryQueue(store),

    older: async (filter, before, limit, signal) => {
      const window = status.toStatus(status.last() ?? (await call('state', {}))).window;
      if (!window) return { events: [], nextBefore: null };
      return olderFromShop(api, window, filter, before, limit, signal);
    },

    exportTo: async (filter, format, filePath) => {
      const keys = (await checkpoints.pins.list()).map((pin) => ({
        keyId: pin.keyId,
        algorithm: 'Ed25519' as const,
        publicKey: pin.publicKey,
        createdAt: pin.pinnedAt,
        retiredAt: null,
      }));
      const header = { createdAt: now().toISOString(), filter, shopUrl: shopBaseOf(options.source.shopUrl) };
      return call('export', { filter, format, filePath, header, keys });
    },

    searchReady: async () => {
      await call('searchReady', {});
    },

    maintained: async () => {
      await call('maintained', {});
    },

    warmed: async () => {
      await call('warmed', {});
    },

    onStatus: (listener) => status.listen(listener),

    close: async () => {
      if (closed) return;
      closed = true;
      await running;
      status.clear();
      await verifier?.close();
      if (!store.failed()) await call('close', {}).catch(() => undefined);
      await worker.terminate();
    },
  };
}
