/**
 * The console's audit mirror: a local store of the audit events this staff member may read,
 * synced from GET /audit/events by cursor, verified with the shop's chain function, queryable
 * by the audit viewer. The main-thread side is this thin client; PGlite, hashing, queries and
 * exports run in worker.ts so window handling never waits for them.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { AuditEvent } from '../../../shared/api/audit';
import type { AuditFilter, AuditSyncStatus } from '../../../shared/ipc/contract';
import type { ExportFormat, MirrorOp, MirrorOps, MirrorResponse, MirrorWorkerData } from './protocol';
import type { MirrorState } from './store';

export { AUDIT_COUNT_CAP } from './store';
export type { ExportFormat } from './protocol';

/** The API allows up to 1000 events per page. */
export const MAX_PAGE_SIZE = 1000;

export interface AuditMirrorOptions {
  /** PGlite data directory; undefined keeps the mirror in memory. */
  dataDir?: string | undefined;
  /**
   * GET /audit/events?after=&limit= through the API client: an AuditPage, or the response's
   * JSON as is. The worker validates every page against AuditPage before storing anything, so a
   * client may skip its own zod pass (the largest main-thread cost of a sync).
   */
  fetchPage: (after: number, limit: number) => Promise<unknown>;
  pageSize?: number;
  /**
   * The worker's file. Defaults to worker.ts beside this file (tests, tsx), or to
   * audit-mirror-worker.js beside the bundle (an electron-vite main input of that name); the
   * glue may instead pass the path from `import p from '…/audit-mirror/worker?modulePath'`.
   */
  workerUrl?: URL | string;
  now?: () => Date;
  /** A sync further than this behind the head stores without filter indexes and builds them at the end (default 100,000). */
  bulkBacklog?: number;
}

export interface AuditMirror {
  status(): Promise<AuditSyncStatus>;
  /** Syncs up to the shop's head. Never rejects for shop or network trouble: the status says. */
  sync(): Promise<AuditSyncStatus>;
  /** Newest first. `total` is exact without filters and capped at AUDIT_COUNT_CAP with them. */
  query(filter: AuditFilter, offset: number, limit: number): Promise<{ total: number; events: AuditEvent[] }>;
  /** Writes matching events oldest first; the file appears only when complete. */
  exportTo(filter: AuditFilter, format: ExportFormat, filePath: string): Promise<{ count: number }>;
  /** Resolves once free-text search uses its index for every stored event (results are complete before too). */
  searchReady(): Promise<void>;
  onStatus(listener: (status: AuditSyncStatus) => void): () => void;
  close(): Promise<void>;
}

function defaultWorkerUrl(): URL {
  // A variable base keeps bundlers from treating this as an asset reference.
  const here = import.meta.url;
  return new URL(here.endsWith('.ts') ? './worker.ts' : './audit-mirror-worker.js', here);
}

/**
 * Starts the worker. A .ts worker (tests, tsx) needs tsx's loader inside the worker thread;
 * tsx only registers itself on the main thread, so a small bootstrap registers it first.
 */
function startWorker(workerUrl: URL | string, data: MirrorWorkerData): Worker {
  const url = typeof workerUrl === 'string' ? (workerUrl.startsWith('file:') ? new URL(workerUrl) : pathToFileURL(workerUrl)) : workerUrl;
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData: data });
  const tsxApi = new URL('./esm/api/index.mjs', pathToFileURL(createRequire(import.meta.url).resolve('tsx')));
  const bootstrap = `import(${JSON.stringify(tsxApi.href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: data, execArgv: [] });
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 300 ? `${message.slice(0, 297)}...` : message;
}

export function createAuditMirror(options: AuditMirrorOptions): AuditMirror {
  const pageSize = Math.min(Math.max(1, Math.trunc(options.pageSize ?? MAX_PAGE_SIZE)), MAX_PAGE_SIZE);
  const now = options.now ?? (() => new Date());
  const worker = startWorker(options.workerUrl ?? defaultWorkerUrl(), { dataDir: options.dataDir ?? null, bulkBacklog: options.bulkBacklog ?? null });

  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let workerFailure: Error | null = null;
  const failAll = (error: Error) => {
    workerFailure ??= error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  worker.on('message', (response: MirrorResponse) => {
    const call = pending.get(response.id);
    if (!call) return;
    pending.delete(response.id);
    if (response.ok) call.resolve(response.result);
    else call.reject(new Error(response.error.message));
  });
  worker.on('error', (error) => { failAll(new Error(`The audit mirror's worker failed: ${error.message}`)); });
  worker.on('exit', () => { failAll(new Error("The audit mirror's worker has stopped.")); });

  const call = <K extends MirrorOp>(op: K, args: MirrorOps[K]['args']): Promise<MirrorOps[K]['result']> => {
    if (workerFailure) return Promise.reject(workerFailure);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, op, args });
    });
  };

  const listeners = new Set<(status: AuditSyncStatus) => void>();
  let phase: { state: AuditSyncStatus['state']; message: string | null } = { state: 'idle', message: null };
  let last: MirrorState | null = null;
  const toStatus = (s: MirrorState): AuditSyncStatus => ({
    state: phase.state,
    lastSeq: s.cursor,
    headSeq: s.headSeq,
    synced: s.stored,
    message: phase.message,
    verification: s.bad ? { ok: false, badSeq: s.bad.seq, problem: s.bad.problem } : { ok: true, checked: s.checked },
    lastSyncAt: s.lastSyncAt,
  });
  const publish = (s: MirrorState) => {
    last = s;
    const status = toStatus(s);
    for (const listener of listeners) listener(status);
    return status;
  };

  let closed = false;
  let running: Promise<AuditSyncStatus> | null = null;

  async function fetchAhead(after: number): Promise<unknown> {
    return options.fetchPage(after, pageSize);
  }

  async function runSync(): Promise<AuditSyncStatus> {
    let state = await call('state', {});
    phase = { state: 'syncing', message: null };
    publish(state);
    try {
      let after = state.cursor;
      let next: Promise<unknown> = fetchAhead(after);
      for (;;) {
        const page = await next;
        // Fetch the following page while the worker stores this one. The cursor read here is
        // unchecked; the worker validates the page, and a page fetched from a wrong cursor is
        // refused by the worker before anything is stored.
        const guess = (page as { nextAfter?: unknown; head?: { seq?: unknown } } | null);
        const guessAfter = typeof guess?.nextAfter === 'number' ? guess.nextAfter : null;
        const guessHead = typeof guess?.head?.seq === 'number' ? guess.head.seq : null;
        const more = guessAfter !== null && guessHead !== null && guessAfter > after && guessAfter < guessHead;
        const ahead = more && !closed ? fetchAhead(guessAfter) : null;
        ahead?.catch(() => undefined);
        const result = await call('ingest', { after, page });
        state = result.state;
        publish(state);
        if (closed) break;
        const done = result.nextAfter === after || result.nextAfter >= state.headSeq;
        if (done) break;
        after = result.nextAfter;
        next = ahead && guessAfter === after ? ahead : fetchAhead(after);
      }
      // Still 'syncing' while the worker rebuilds indexes and refreshes statistics.
      if (closed) await call('settle', {});
      else state = await call('markSynced', { at: now().toISOString() });
      phase = { state: 'idle', message: null };
      return publish(state);
    } catch (error) {
      phase = { state: 'error', message: describeError(error) };
      await call('settle', {}).catch(() => undefined);
      const latest = await call('state', {}).catch(() => state);
      return publish(latest);
    }
  }

  return {
    status: async () => toStatus(last ?? (await call('state', {}))),

    sync: () => {
      if (closed) return Promise.reject(new Error('The audit mirror is closed.'));
      running ??= runSync().finally(() => { running = null; });
      return running;
    },

    query: (filter, offset, limit) => call('query', { filter, offset, limit }),

    exportTo: (filter, format, filePath) => call('export', { filter, format, filePath }),

    searchReady: async () => { await call('searchReady', {}); },

    onStatus: (listener) => {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },

    close: async () => {
      if (closed) return;
      closed = true;
      await running;
      listeners.clear();
      if (!workerFailure) await call('close', {}).catch(() => undefined);
      await worker.terminate();
    },
  };
}
