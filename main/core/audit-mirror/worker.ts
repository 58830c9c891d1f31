/**
 * The audit mirror's worker thread: owns the PGlite store, so inserts, hashing, queries and
 * exports never run on the main thread. Started by index.ts; speaks protocol.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { writeExport } from './export-file';
import type { MirrorOps, MirrorRequest, MirrorResponse, MirrorWorkerData } from './protocol';
import { openAuditStore, type AuditStore } from './store';

/** Events added to the text index per transaction; small enough that a query waits little. */
const SEARCH_BATCH = 500;
const EXPORT_PAGE = 1000;

const port = parentPort;
if (!port) throw new Error('worker.ts must run as a worker thread');
const data = workerData as MirrorWorkerData;

const storeReady = openAuditStore(data.dataDir ?? undefined, data.bulkBacklog === null ? {} : { bulkBacklog: data.bulkBacklog });
let closing = false;
let indexing: Promise<void> | null = null;

/** Fills the text index behind the sync, one short transaction at a time. */
function indexSearch(store: AuditStore): Promise<void> {
  indexing ??= (async () => {
    try {
      let added = 0;
      for (;;) {
        if (closing) return;
        const { indexed, done } = await store.indexSearch(SEARCH_BATCH);
        added += indexed;
        if (done) break;
        await yieldToEvents();
      }
      if (added > 1000) await store.analyzeSearch();
    } finally {
      indexing = null;
    }
  })();
  return indexing;
}

async function run(store: AuditStore, request: MirrorRequest): Promise<MirrorOps[MirrorRequest['op']]['result']> {
  switch (request.op) {
    case 'state':
      return store.state();
    case 'ingest':
      return store.ingest(request.args.after, request.args.page);
    case 'settle':
      await store.settle();
      return null;
    case 'markSynced': {
      const state = await store.markSynced(new Date(request.args.at));
      void indexSearch(store);
      return state;
    }
    case 'query':
      return store.query(request.args.filter, request.args.offset, request.args.limit);
    case 'export':
      return writeExport(store.scan(request.args.filter, EXPORT_PAGE), request.args.format, request.args.filePath);
    case 'searchReady':
      for (;;) {
        const { searchUpto, cursor } = await store.state();
        if (closing || searchUpto >= cursor) return null;
        await indexSearch(store);
      }
    case 'close':
      closing = true;
      await indexing;
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
      const message = error instanceof Error ? error.message : String(error);
      response = { id: request.id, ok: false, error: { message } };
    }
    port.postMessage(response);
    if (request.op === 'close') port.close();
  })();
});

// Index whatever an earlier run left unindexed.
void storeReady.then((store) => indexSearch(store)).catch(() => undefined);
