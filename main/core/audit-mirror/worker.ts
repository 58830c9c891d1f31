/**
 * The audit mirror's worker threads, started by index.ts from this one file in two roles:
 * - 'store' owns the PGlite store: inserts, queries, exports and the background upkeep (filter
 *   indexes after a bulk sync, statistics, the text index), so none of it runs on the main thread;
 * - 'verifier' fetches pages from the shop, validates and verifies them and turns them into
 *   COPY rows (prepare.ts), so that while the store inserts page N, page N+1 is already being
 *   checked and the main thread only passes small messages and transferred buffers on.
 * Both speak protocol.ts.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { setImmediate as yieldToEvents, setTimeout as sleep } from 'node:timers/promises';
import { writeExport } from './export-file';
import { preparePage } from './prepare';
import { createApiClient } from '../api/api-client';
import { ShopRefusedError } from '../errors';
import type {
  MirrorOps,
  MirrorRequest,
  MirrorResponse,
  MirrorWorkerData,
  PageRequest,
  StateNotice,
  VerifierRequest,
} from './protocol';
import { reverifyJob } from './reverify-job';
import { openAuditStore, type AuditStore } from './store';

const EXPORT_PAGE = 1000;
/** Background steps start no sooner than this after the last query (see quiet()). */
const QUIET_MS = 300;
/** How much lower than the process the store thread runs (nice steps). */
const BACKGROUND_NICENESS = 2;

const port = parentPort;
if (!port) throw new Error('worker.ts must run as a worker thread');
const data = workerData as MirrorWorkerData;

const failure = (id: number, error: unknown): MirrorResponse => ({
  id,
  ok: false,
  error: {
    message: error instanceof Error ? error.message : String(error),
    ...(error instanceof ShopRefusedError ? { code: error.code } : {}),
  },
});

/**
 * The verifier fetches the pages itself, so their bytes (about a megabyte of buffers per page
 * on the way in) never reach the main thread, whose garbage collector would otherwise stop the
 * console's window handling every few pages. It holds no sign-in: each request carries the
 * access token the main thread sends, and an expired one is answered with the shop's
 * `token_expired` for the main thread to refresh and ask again.
 */
function runVerifier(options: Extract<MirrorWorkerData, { role: 'verifier' }>): void {
  if (!port) return;
  let token: string | null = null;
  const api = createApiClient({
    shopUrl: options.shopUrl,
    tokens: { accessToken: () => token, refreshAccessToken: () => Promise.resolve(false) },
    ...(options.timeoutMs === null ? {} : { timeoutMs: options.timeoutMs }),
  });
  /** Requests in flight by cursor (the main thread asks for pages ahead of the one it needs). */
  const inflight = new Map<number, { page: Promise<ArrayBuffer>; abort: AbortController }>();
  const fetchAt = (request: PageRequest): Promise<ArrayBuffer> => {
    let entry = inflight.get(request.after);
    if (!entry) {
      const abort = new AbortController();
      // Read by the client as it sends, before any await: each request goes with its own token.
      token = request.token;
      const page = api.auditEvents(request.after, request.limit, { signal: abort.signal });
      page.catch(() => undefined);
      entry = { page, abort };
      inflight.set(request.after, entry);
    }
    return entry.page;
  };
  /** Aborts the requests at these cursors and settles once none of them is still on its way. */
  const drop = async (cursors: readonly number[]): Promise<void> => {
    const dropped = cursors.flatMap((after) => {
      const entry = inflight.get(after);
      inflight.delete(after);
      return entry ? [entry] : [];
    });
    for (const { abort } of dropped) abort.abort();
    await Promise.allSettled(dropped.map(({ page }) => page));
  };
  const done = (id: number) => {
    port.postMessage({ id, ok: true, result: null } satisfies MirrorResponse);
  };

  port.on('message', (request: VerifierRequest) => {
    switch (request.op) {
      case 'close':
        done(request.id);
        port.close();
        return;
      case 'fetch':
        void fetchAt(request.args);
        done(request.id);
        return;
      case 'forget':
        // A sync that ended leaves no request behind to reach the shop after it has reported.
        void drop([...inflight.keys()]).then(() => {
          done(request.id);
        });
        return;
      case 'prepare': {
        const { after, from } = request.args;
        const page = fetchAt(request.args);
        // Guesses before this cursor are wrong; this page's own request is the one awaited here.
        inflight.delete(after);
        void drop([...inflight.keys()].filter((key) => key < after));
        page
          .then((bytes) => {
            const prepared = preparePage(after, bytes, from);
            // The rows move to the main thread (and on to the store) without a copy.
            port.postMessage({ id: request.id, ok: true, result: prepared } satisfies MirrorResponse, [
              prepared.rows.buffer,
              prepared.searchRows.buffer,
            ]);
          })
          .catch((error: unknown) => {
            port.postMessage(failure(request.id, error));
          });
      }
    }
  });
}

/**
 * The store thread's background work, done one step (one statement) at a time, quiet between
 * steps, so queries that arrive meanwhile run between them. `closing` stops every job.
 */
function backgroundJobs(closing: () => boolean) {
  /**
   * Background steps wait while the viewer is busy: none starts within QUIET_MS of the last
   * query, so a burst of queries waits for at most the one step already under way.
   */
  let lastQueryAt = 0;
  async function quiet(): Promise<void> {
    await yieldToEvents();
    for (
      let wait = lastQueryAt + QUIET_MS - Date.now();
      wait > 0 && !closing();
      wait = lastQueryAt + QUIET_MS - Date.now()
    )
      await sleep(wait);
  }

  /**
   * One job: one run at a time (`start` joins one under way). `step` resolves true while there
   * is more to do.
   */
  function job(step: (store: AuditStore) => Promise<boolean>) {
    let running: Promise<void> | null = null;
    return {
      running: () => running,
      /** Resolves once no run is under way (one started meanwhile is waited for too). */
      idle: async (): Promise<void> => {
        while (!closing() && running) await running;
      },
      start: (store: AuditStore): Promise<void> => {
        running ??= (async () => {
          try {
            while (!closing() && (await step(store))) await quiet();
          } finally {
            running = null;
          }
        })();
        return running;
      },
    };
  }

  return {
    job,
    /** A query started or ended now. */
    queried: () => {
      lastQueryAt = Date.now();
    },
  };
}

/** Opens the store at the process's priority (someone waits for it), then lowers the thread's for the background work. */
async function openStore(options: Extract<MirrorWorkerData, { role: 'store' }>): Promise<AuditStore> {
  const store = await openAuditStore(options.dataDir ?? undefined, {
    ...(options.bulkBacklog === null ? {} : { bulkBacklog: options.bulkBacklog }),
    ...(options.searchChunk === null ? {} : { searchChunk: options.searchChunk }),
    ...(options.templateDir === null ? {} : { templateDir: options.templateDir }),
  });
  lowerOwnPriority();
  return store;
}

type BackgroundJobs = ReturnType<typeof backgroundJobs>;

/**
 * The upkeep after a sync, as background jobs: what fell out of the window goes first (less to
 * index and warm), then filter indexes and statistics (every filter needs them), then the text
 * index, then reading what queries need into the cache (the first filters after opening a large
 * mirror would otherwise read thousands of pages one at a time). `post` tells the main thread.
 */
function upkeepJobs(background: BackgroundJobs, post: (notice: StateNotice) => void) {
  /** Where the window starts (a supervisor's copy), as the last sync said; null keeps everything. */
  let keepSince: Date | null = null;
  /** Events older than the window, dropped a batch per step. */
  const retention = background.job(async (store) => {
    if (keepSince === null) return false;
    const step = await store.dropOlder(keepSince);
    if (step.dropped > 0) post({ notice: 'state', state: await store.state() });
    return !step.done;
  });
  /** Queued maintenance: filter indexes a bulk sync dropped, statistics. */
  const maintenance = background.job((store) => store.maintain());
  /** The trigram index of the full text chunks behind the sync, one chunk per step. */
  const searchIndex = background.job(async (store) => !(await store.indexSearch()).done);
  /** What queries read (text chunks, their indexes, the filter indexes), into the page cache one relation per step. */
  const cacheWarmup = background.job(async (store) => !(await store.warmCache()).done);
  return {
    retention: {
      ...retention,
      keepSince: (since: Date | null) => {
        keepSince = since;
      },
    },
    maintenance,
    searchIndex,
    cacheWarmup,
    upkeep: (store: AuditStore): Promise<void> =>
      retention
        .start(store)
        .then(() => maintenance.start(store))
        .then(() => searchIndex.start(store))
        .then(() => cacheWarmup.start(store))
        .catch(() => undefined),
  };
}

function runStore(options: Extract<MirrorWorkerData, { role: 'store' }>): void {
  if (!port) return;
  const storeReady = openStore(options);
  let closing = false;

  const background = backgroundJobs(() => closing);
  const post = (notice: StateNotice) => {
    port.postMessage(notice);
  };

  const { upkeep, retention, maintenance, searchIndex, cacheWarmup } = upkeepJobs(background, post);

  /** A sync is storing pages (re-verification waits meanwhile). */
  let ingesting = false;
  const reverify = reverifyJob({
    backgroundJob: background.job,
    post: (notice) => {
      port.postMessage(notice);
    },
    syncing: () => ingesting,
    closing: () => closing,
    pauseMs: QUIET_MS,
  });

  /** Queries under way by request id, and whether their caller has since cancelled them. */
  const runningQueries = new Map<number, { cancelled: boolean }>();

  async function run(store: AuditStore, request: MirrorRequest): Promise<MirrorOps[MirrorRequest['op']]['result']> {
    switch (request.op) {
      case 'state':
        return store.state();
      case 'ingestPrepared':
        ingesting = true;
        return store.ingestPrepared(request.args.page);
      case 'settle':
        ingesting = false;
        await store.settle();
        void upkeep(store);
        return null;
      case 'startAt':
        return store.startAt(request.args.seq, request.args.hash);
      case 'markSynced': {
        ingesting = false;
        retention.keepSince(request.args.keepSince === null ? null : new Date(request.args.keepSince));
        const state = await store.markSynced(new Date(request.args.at));
        void upkeep(store);
        return state;
      }
      case 'query': {
        background.queried();
        const token = { cancelled: false };
        runningQueries.set(request.id, token);
        try {
          return await store.query(request.args.filter, request.args.offset, request.args.limit, () => token.cancelled);
        } finally {
          runningQueries.delete(request.id);
          background.queried();
        }
      }
      case 'cancel': {
        const token = runningQueries.get(request.args.id);
        if (token) token.cancelled = true;
        return null;
      }
      case 'export': {
        const { filter, format, filePath, header, keys } = request.args;
        return writeExport(store.scan(filter, EXPORT_PAGE), format, filePath, {
          header,
          keys,
          checkpointsFrom: (seq) => store.checkpointsFrom(seq),
        });
      }
      case 'storeCheckpointList':
        return store.storeCheckpointList(request.args.items);
      case 'checkCheckpoints':
        return store.checkCheckpoints(request.args.keys);
      case 'unknownKeyIds':
        return store.unknownKeyIds();
      case 'markRewritten':
        return store.markRewritten(request.args.seq, request.args.problem);
      case 'maintained':
        await retention.idle();
        await maintenance.idle();
        return null;
      case 'searchReady':
        // A run started before the last page was stored may stop short of it: run once more.
        await searchIndex.idle();
        await searchIndex.start(store);
        return null;
      case 'warmed':
        // The upkeep under way first (a new index means a new listing), then the warm-up: joined
        // if it runs, else run now (it ends at once when nothing is left to read).
        await maintenance.idle();
        await searchIndex.idle();
        if (!closing) await cacheWarmup.start(store);
        return null;
      case 'reverify':
        return reverify.start(store);
      case 'close':
        closing = true;
        for (const job of [retention, maintenance, searchIndex, cacheWarmup, reverify.job]) await job.running();
        await store.close();
        return null;
    }
  }

  port.on('message', (request: MirrorRequest) => {
    void (async () => {
      let response: MirrorResponse;
      try {
        const store = await storeReady;
        response = { id: request.id, ok: true, result: await run(store, request) };
      } catch (error) {
        response = failure(request.id, error);
      }
      port.postMessage(response);
      if (request.op === 'close') port.close();
    })();
  });

  // Whatever an earlier run left undone: missing filter indexes, statistics, unindexed text;
  // then every stored event is checked again, in the background.
  void storeReady
    .then(async (store) => {
      await upkeep(store);
      if (!closing) port.postMessage(await reverify.start(store));
    })
    .catch(() => undefined);
}

/**
 * Once open, the store thread is background work (it keeps up with the pages with time to
 * spare): on Linux it lowers its own scheduling priority a little (a thread's id is its
 * /proc/thread-self), so the main thread (the console's UI in Electron) and the verifier come
 * first when the cores are busy. Elsewhere, nothing changes.
 */
function lowerOwnPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, Math.min(19, getPriority(tid) + BACKGROUND_NICENESS));
  } catch {
    // Not Linux, or not allowed: run at the process's priority.
  }
}

if (data.role === 'verifier') {
  runVerifier(data);
} else {
  runStore(data);
}
