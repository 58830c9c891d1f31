/**
 * The mirror's PGlite store, composed of its parts: store-context.ts opens the database,
 * ingest.ts stores pages, maintenance.ts runs the upkeep after a sync, cache-warming.ts fills
 * the page cache, and query-plan.ts with query-strategies.ts answers the viewer's queries.
 */
import type { AuditCheckpoint, AuditEvent } from '../../../shared/api/audit';
import { AUDIT_COUNT_CAP, type AuditFilter } from '../../../shared/ipc/contract';
import { SEARCH_CHUNK } from './schema';
import { BadPageError, type PreparedPage } from './prepare';
import { cacheWarming } from './cache-warming';
import {
  checkCheckpointBatch,
  checkpointsFrom,
  markRewritten,
  storeCheckpointList,
  unknownKeyIds,
  type RewriteProblem,
  type TrustedKey,
} from './checkpoint-store';
import { nodeEd25519Verify } from './node-crypto';
import { ingestPrepared, type Ingested } from './ingest';
import { indexNextChunk, openMaintenance } from './maintenance';
import { planQuery } from './query-plan';
import { chooseStrategy, QUERY_STRATEGIES, QueryCancelledError, WALK_WINDOW } from './query-strategies';
import { scanMatches } from './scan';
import { openStoreContext } from './store-context';
import { readState, type MirrorState } from './store-state';
import { reverifier, type Reverifier } from './reverify';
import { dropOlderStep, startAt } from './retention';

export { AUDIT_COUNT_CAP, BadPageError, QueryCancelledError };

/** A sync this far behind the shop's head stores without filter indexes and builds them at the end. */
export const BULK_BACKLOG = 100_000;

export interface AuditStore {
  state(): Promise<MirrorState>;
  /**
   * Stores one prepared page: its rows, the new cursor and the chain state land in one
   * transaction, so a crash leaves either all of it or none of it. Refused unless the page was
   * fetched from this mirror's cursor and verified from this mirror's chain state.
   */
  ingestPrepared(page: PreparedPage): Promise<Ingested>;
  markSynced(at: Date): Promise<MirrorState>;
  /** A new copy starts after `seq` (the newest event before its window), continuing the chain from `hash` (retention.ts). */
  startAt(seq: number, hash: string): Promise<MirrorState>;
  /**
   * Drops up to a batch of the oldest events older than `since` (one transaction); `done` once
   * none is left. The step that finishes a run that dropped any vacuums the table.
   */
  dropOlder(since: Date): Promise<{ dropped: number; done: boolean }>;
  /**
   * After a sync, finished or not: queues what the store needs next (filter indexes a bulk sync
   * dropped, fresh planner statistics, the visibility map). `maintain` does it one step at a time.
   */
  settle(): Promise<void>;
  /** Runs the next queued maintenance step (one statement); false once nothing is left. */
  maintain(): Promise<boolean>;
  /**
   * Builds the trigram index of the oldest text chunk without one (one statement); `done` once
   * every chunk has its index. The newest chunk keeps its index up to date as events arrive
   * (cheap for an incremental sync); a bulk sync fills new chunks unindexed, and they are
   * indexed once it is over.
   */
  indexSearch(): Promise<{ indexed: number; done: boolean }>;
  /**
   * Reads the next part of what queries need into the mirror's page cache (at most 8 MB of a
   * relation per step), as far as the cache holds it (see partsToWarm); `done` once nothing is
   * left. See cacheSizeFor.
   */
  warmCache(): Promise<{ done: boolean }>;
  /**
   * Newest first, `total` capped at AUDIT_COUNT_CAP with filters. `cancelled` is asked between
   * the steps of a long query (a filter with common text is walked window by window): once it
   * says true, the query stops with a QueryCancelledError.
   */
  query(
    filter: AuditFilter,
    offset: number,
    limit: number,
    cancelled?: () => boolean,
  ): Promise<{ total: number; events: AuditEvent[] }>;
  /** Checking every stored event and checkpoint again, one chunk per step (reverify.ts). */
  readonly reverify: Reverifier;
  storeCheckpointList(items: readonly AuditCheckpoint[]): Promise<MirrorState>;
  checkCheckpoints(keys: readonly TrustedKey[]): Promise<{ state: MirrorState; more: boolean }>;
  unknownKeyIds(): Promise<string[]>;
  markRewritten(seq: number, problem: RewriteProblem): Promise<MirrorState>;
  /** Every stored checkpoint at or after `seq` (what an export from that seq carries). */
  checkpointsFrom(seq: number): Promise<AuditCheckpoint[]>;
  /** Matching events oldest first, `pageSize` at a time (keyset paging, so deep pages stay fast). */
  scan(filter: AuditFilter, pageSize: number): AsyncGenerator<AuditEvent[]>;
  close(): Promise<void>;
}

export interface AuditStoreOptions {
  /** Backlog above which a sync drops the filter indexes and rebuilds them at the end. */
  bulkBacklog?: number;
  /** Events per text-search chunk (default SEARCH_CHUNK); a chunk is indexed once full. */
  searchChunk?: number;
  /** Seqs per step of a walked query (default WALK_WINDOW; tests use small ones). */
  walkWindow?: number;
  /** A new folder starts as a copy of this empty mirror (template.ts) instead of PGlite's initdb. */
  templateDir?: string;
}

/** A filter that an equality index of its own (…, seq) serves; an action group is one equality per action. */
const hasEqualityFilter = (filter: AuditFilter): boolean =>
  Boolean(filter.staffId || filter.customerId || filter.sessionId || filter.action || filter.actionGroup);

export async function openAuditStore(
  dataDir: string | undefined,
  options: AuditStoreOptions = {},
): Promise<AuditStore> {
  const walkWindow = options.walkWindow ?? WALK_WINDOW;
  const ctx = await openStoreContext(dataDir, options.searchChunk ?? SEARCH_CHUNK, options.templateDir);
  const { db, chunks } = ctx;
  const warming = cacheWarming(ctx);
  const maintenance = await openMaintenance(db, warming.relist);
  const ingestDeps = { db, chunks, bulkBacklog: options.bulkBacklog ?? BULK_BACKLOG, maintenance };
  const verify = nodeEd25519Verify();
  let droppedSinceVacuum = 0;

  return {
    state: () => readState(db),
    ingestPrepared: (page) => ingestPrepared(ingestDeps, page),
    maintain: () => maintenance.maintain(),
    markSynced: async (at) => {
      await maintenance.settle();
      await db.query('UPDATE mirror_state SET last_sync_at = $1', [at.toISOString()]);
      return readState(db);
    },
    settle: () => maintenance.settle(),
    startAt: (seq, hash) => startAt(db, seq, hash),
    dropOlder: async (since) => {
      const step = await dropOlderStep(db, chunks, since);
      droppedSinceVacuum += step.dropped;
      if (step.dropped > 0) warming.relist();
      if (step.done && droppedSinceVacuum > 0) {
        // PGlite runs no autovacuum: the dropped rows' space goes back to the table here.
        await db.exec('VACUUM ANALYZE audit_events');
        droppedSinceVacuum = 0;
      }
      return step;
    },
    indexSearch: () => indexNextChunk(ctx, maintenance.inBulk, warming.relist),
    warmCache: () => warming.warmCache(),

    // One transaction: the state, the seq range and every statement see one snapshot, and a
    // query queued behind maintenance or a page waits for one unit of work, not several.
    query: (filter, offset, limit, cancelled) =>
      db.transaction(async (tx) => {
        // Pages come from memory, so a random read costs about what a sequential one does: tell
        // the planner, or it walks the primary key past newer events rather than use the filter's
        // index (see docs/PERFORMANCE.md, "Audit mirror: the measurements behind its design").
        if (hasEqualityFilter(filter)) await tx.exec('SET LOCAL random_page_cost = 1.1');
        const { state, range, plan } = await planQuery(tx, filter, chunks.size);
        const strategy = QUERY_STRATEGIES[chooseStrategy(filter, offset, limit, range, plan)];
        return strategy({ tx, chunks, filter, offset, limit, state, range, plan, walkWindow, cancelled });
      }),

    reverify: reverifier(db),
    storeCheckpointList: (items) => storeCheckpointList(db, items),
    checkCheckpoints: (keys) => checkCheckpointBatch(db, keys, verify),
    unknownKeyIds: () => unknownKeyIds(db),
    markRewritten: (seq, problem) => markRewritten(db, seq, problem),
    checkpointsFrom: (seq) => checkpointsFrom(db, seq),
    scan: (filter, pageSize) => scanMatches(db, chunks.size, filter, pageSize),
    close: () => db.close(),
  };
}
