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
import type { TokenSource } from '../api-client';
import type { PreparedPage, VerifyState } from './prepare';
import type {
  ExportFormat,
  MirrorOp,
  MirrorOps,
  MirrorResponse,
  MirrorWorkerData,
  PageRequest,
  VerifierOps,
} from './protocol';
import type { MirrorState } from './store';

export { AUDIT_COUNT_CAP } from './store';
export type { ExportFormat } from './protocol';

/** The API allows up to 1000 events per page. */
export const MAX_PAGE_SIZE = 1000;

export interface AuditMirrorOptions {
  /** PGlite data directory; undefined keeps the mirror in memory. */
  dataDir?: string | undefined;
  /**
   * The shop whose GET /audit/events the mirror reads, and the signed-in staff member's tokens.
   * The verifier thread makes the requests with the API client and parses and validates every
   * page against AuditPage before anything is stored: the pages never reach the main thread
   * (receiving a megabyte of buffers per page there made its garbage collector stop it for
   * 10–20 ms every few pages). The main thread sends the access token with each request and
   * refreshes it once when the shop answers `token_expired`.
   */
  source: { shopUrl: string; tokens: TokenSource; timeoutMs?: number };
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
  /** Events per free-text chunk (default 131,072; tests use small ones). */
  searchChunk?: number;
}

export interface AuditMirror {
  status(): Promise<AuditSyncStatus>;
  /** Syncs up to the shop's head. Never rejects for shop or network trouble: the status says. */
  sync(): Promise<AuditSyncStatus>;
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
  const url =
    typeof workerUrl === 'string'
      ? workerUrl.startsWith('file:')
        ? new URL(workerUrl)
        : pathToFileURL(workerUrl)
      : workerUrl;
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData: data });
  const tsxApi = new URL('./esm/api/index.mjs', pathToFileURL(createRequire(import.meta.url).resolve('tsx')));
  const bootstrap = `import(${JSON.stringify(tsxApi.href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: data, execArgv: [] });
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 300 ? `${message.slice(0, 297)}...` : message;
}

/** A call the worker answered with an error; `code` is the shop's refusal code, when the shop refused. */
class WorkerCallError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'WorkerCallError';
  }
}

/** A message client for one worker: numbered calls, answered in any order. */
function workerClient<Ops extends { [K in keyof Ops]: { args: unknown; result: unknown } }>(
  worker: Worker,
  name: string,
) {
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let failure: Error | null = null;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  worker.on('message', (response: MirrorResponse) => {
    const call = pending.get(response.id);
    if (!call) return;
    pending.delete(response.id);
    if (response.ok) call.resolve(response.result);
    else call.reject(new WorkerCallError(response.error.message, response.error.code ?? null));
  });
  worker.on('error', (error) => {
    failAll(new Error(`The audit mirror's ${name} failed: ${error.message}`));
  });
  worker.on('exit', () => {
    failAll(new Error(`The audit mirror's ${name} has stopped.`));
  });
  /** Posts a call; its id lets a later call refer to it (cancel). */
  const send = <K extends keyof Ops & string>(
    op: K,
    args: Ops[K]['args'],
    transfer: ArrayBuffer[] = [],
  ): { id: number; result: Promise<Ops[K]['result']> } => {
    const id = nextId++;
    if (failure) return { id, result: Promise.reject(failure) };
    const result = new Promise<Ops[K]['result']>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, op, args }, transfer);
    });
    return { id, result };
  };
  return {
    failed: () => failure !== null,
    send,
    call: <K extends keyof Ops & string>(
      op: K,
      args: Ops[K]['args'],
      transfer: ArrayBuffer[] = [],
    ): Promise<Ops[K]['result']> => send(op, args, transfer).result,
  };
}

type WorkerClient<Ops extends { [K in keyof Ops]: { args: unknown; result: unknown } }> = ReturnType<
  typeof workerClient<Ops>
>;

const verifyStateOf = (s: MirrorState): VerifyState => ({
  chain: s.chain,
  checked: s.checked,
  bad: s.bad,
  lastAtMs: s.lastAtMs,
  atInOrder: s.atInOrder,
});

export function createAuditMirror(options: AuditMirrorOptions): AuditMirror {
  const pageSize = Math.min(Math.max(1, Math.trunc(options.pageSize ?? MAX_PAGE_SIZE)), MAX_PAGE_SIZE);
  const now = options.now ?? (() => new Date());
  const workerUrl = options.workerUrl ?? defaultWorkerUrl();
  const worker = startWorker(workerUrl, {
    role: 'store',
    dataDir: options.dataDir ?? null,
    bulkBacklog: options.bulkBacklog ?? null,
    searchChunk: options.searchChunk ?? null,
  });
  const store = workerClient<MirrorOps>(worker, 'worker');
  const call = <K extends MirrorOp>(op: K, args: MirrorOps[K]['args'], transfer?: ArrayBuffer[]) =>
    store.call(op, args, transfer);
  // The verifier thread starts with the store (a sync should not wait for it to load) and
  // stays for the mirror's life; one that failed is replaced at the next page.
  let verifierWorker: Worker | null = null;
  let verifierClient: WorkerClient<VerifierOps> | null = null;
  const verifier = () => {
    if (!verifierClient || verifierClient.failed()) {
      void verifierWorker?.terminate();
      verifierWorker = startWorker(workerUrl, {
        role: 'verifier',
        shopUrl: options.source.shopUrl,
        timeoutMs: options.source.timeoutMs ?? null,
      });
      verifierClient = workerClient<VerifierOps>(verifierWorker, 'verifier');
    }
    return verifierClient;
  };
  verifier();

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

  /**
   * Viewer queries go to the worker one at a time (PGlite answers them one at a time anyway),
   * so one whose caller gave up while it waited (the agent typed on) is dropped here unrun; one
   * already running is told to stop (a long one stops at its next step) and its caller is
   * answered at once.
   */
  const waitingQueries: { start: () => void }[] = [];
  let querying = false;
  const nextQuery = () => {
    if (!querying) waitingQueries.shift()?.start();
  };
  function query(
    filter: AuditFilter,
    offset: number,
    limit: number,
    signal?: AbortSignal,
  ): Promise<{ total: number; events: AuditEvent[] }> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise((resolve, reject) => {
      const abandon = () => {
        const at = waitingQueries.indexOf(entry);
        if (at < 0) return;
        waitingQueries.splice(at, 1);
        reject(signal?.reason as Error);
      };
      const entry = {
        start: () => {
          signal?.removeEventListener('abort', abandon);
          querying = true;
          const sent = store.send('query', { filter, offset, limit });
          const stop = () => {
            void store.call('cancel', { id: sent.id }).catch(() => undefined);
            reject(signal?.reason as Error);
          };
          signal?.addEventListener('abort', stop, { once: true });
          sent.result.then(resolve, reject).finally(() => {
            signal?.removeEventListener('abort', stop);
            querying = false;
            nextQuery();
          });
        },
      };
      signal?.addEventListener('abort', abandon, { once: true });
      waitingQueries.push(entry);
      nextQuery();
    });
  }

  const pageRequest = (after: number): PageRequest => ({
    after,
    limit: pageSize,
    token: options.source.tokens.accessToken(),
  });

  /**
   * The page at `after`, fetched, validated and verified from `from` by the verifier thread. An
   * expired access token is refreshed once and the page asked for again, as the API client does.
   */
  async function preparePageAt(after: number, from: VerifyState): Promise<PreparedPage> {
    try {
      return await verifier().call('prepare', { ...pageRequest(after), from });
    } catch (error) {
      if (!(error instanceof WorkerCallError && error.code === 'token_expired')) throw error;
      if (!(await options.source.tokens.refreshAccessToken())) throw error;
      return verifier().call('prepare', { ...pageRequest(after), from });
    }
  }

  /**
   * The sync pipeline: the shop serves pages N+2 and N+3 while the verifier thread
   * checks page N+1 and the store thread inserts page N. Each page is verified from the state
   * the page before it leaves, and the store refuses a page unless that is exactly its own
   * state, so the overlap never changes what is stored.
   */
  async function runSync(): Promise<AuditSyncStatus> {
    let state = await call('state', {});
    phase = { state: 'syncing', message: null };
    publish(state);
    let storing: Promise<void> | null = null;
    try {
      let after = state.cursor;
      let from = verifyStateOf(state);
      // The page before this one came full with dense seqs, and the head it reported.
      let dense = false;
      let head = 0;
      for (;;) {
        const preparing = preparePageAt(after, from);
        // While pages come full and their seqs dense (a full reader's log), two requests run
        // ahead of the page being checked, at guessed cursors, so the shop's database works on
        // one while the shop serializes the other. Guesses are unchecked: a page fetched from a
        // wrong cursor is dropped unused, and one that does not continue the chain is refused
        // before anything is stored.
        if (dense && !closed) {
          for (const ahead of [after + pageSize, after + 2 * pageSize])
            if (ahead < head)
              void verifier()
                .call('fetch', pageRequest(ahead))
                .catch(() => undefined);
        }
        const prepared = await preparing;
        if (storing) await storing;
        if (closed) break;
        storing = call('ingestPrepared', { page: prepared }, [prepared.rows.buffer, prepared.searchRows.buffer]).then(
          (result) => {
            state = result.state;
            publish(state);
          },
        );
        from = prepared.to;
        const done = prepared.nextAfter === after || prepared.nextAfter >= prepared.headSeq;
        if (done) break;
        dense = prepared.received === pageSize && prepared.nextAfter - after === pageSize;
        head = prepared.headSeq;
        after = prepared.nextAfter;
      }
      await verifier()
        .call('forget', {})
        .catch(() => undefined);
      if (storing) await storing;
      storing = null;
      // Filter indexes a bulk sync dropped and fresh statistics follow in the worker, one step
      // at a time between queries (see maintained()).
      if (closed) await call('settle', {});
      else state = await call('markSynced', { at: now().toISOString() });
      phase = { state: 'idle', message: null };
      return publish(state);
    } catch (error) {
      await verifier()
        .call('forget', {})
        .catch(() => undefined);
      phase = { state: 'error', message: describeError(error) };
      await storing?.catch(() => undefined);
      await call('settle', {}).catch(() => undefined);
      const latest = await call('state', {}).catch(() => state);
      return publish(latest);
    }
  }

  return {
    status: async () => toStatus(last ?? (await call('state', {}))),

    sync: () => {
      if (closed) return Promise.reject(new Error('The audit mirror is closed.'));
      running ??= runSync().finally(() => {
        running = null;
      });
      return running;
    },

    query,

    exportTo: (filter, format, filePath) => call('export', { filter, format, filePath }),

    searchReady: async () => {
      await call('searchReady', {});
    },

    maintained: async () => {
      await call('maintained', {});
    },

    warmed: async () => {
      await call('warmed', {});
    },

    onStatus: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    close: async () => {
      if (closed) return;
      closed = true;
      await running;
      listeners.clear();
      if (verifierClient && !verifierClient.failed()) await verifierClient.call('close', {}).catch(() => undefined);
      await verifierWorker?.terminate();
      if (!store.failed()) await call('close', {}).catch(() => undefined);
      await worker.terminate();
    },
  };
}
