import { readdir, stat } from 'node:fs/promises';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pageinspect } from '@electric-sql/pglite/contrib/pageinspect';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { AuditEvent } from '../../../shared/api/audit';
import { ensurePrivateDir } from '../private-dir';
import { AUDIT_ACTION_GROUPS } from '../../../shared/audit/action-groups';
import type { ChainState } from '../../../shared/audit/chain';
import { AUDIT_COLUMN_LIST, eventFromRow, type StoredAuditRow } from '../../../shared/audit/codec';
import { AUDIT_COUNT_CAP, type AuditFilter } from '../../../shared/ipc/contract';
import {
  DROP_FILTER_INDEXES_SQL,
  FILTER_INDEXES,
  MIRROR_SCHEMA,
  MIRROR_SCHEMA_VERSION,
  SEARCH_CHUNK,
  searchChunkOf,
  type FilterIndexName,
} from './schema';
import { filterSql, prefixUpperBound, textOnlySql, textProbes, type SeqRange, type TextPlan } from './filter-sql';
import { BadPageError, COPY_COLUMNS, sameVerifyState, type PreparedPage } from './prepare';

export { AUDIT_COUNT_CAP, BadPageError };

/** A sync this far behind the shop's head stores without filter indexes and builds them at the end. */
export const BULK_BACKLOG = 100_000;

/** Events sampled to choose how to search a text (see textPlan). */
const TEXT_SAMPLE = 1000;

export interface MirrorState {
  /** Pass as `after` for the next page. */
  cursor: number;
  /** The shop's last seq, as of the last page fetched. */
  headSeq: number;
  /** Events held locally. */
  stored: number;
  chain: ChainState;
  checked: number;
  bad: { seq: number; problem: string } | null;
  lastSyncAt: string | null;
  /** Events up to this seq are in the text index. */
  searchUpto: number;
  lastAtMs: number;
  /** No event so far is older than the one before it. */
  atInOrder: boolean;
}

export interface AuditStore {
  state(): Promise<MirrorState>;
  /**
   * Stores one prepared page: its rows, the new cursor and the chain state land in one
   * transaction, so a crash leaves either all of it or none of it. Refused unless the page was
   * fetched from this mirror's cursor and verified from this mirror's chain state.
   */
  ingestPrepared(page: PreparedPage): Promise<{ state: MirrorState; nextAfter: number; received: number }>;
  markSynced(at: Date): Promise<MirrorState>;
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
  /** Matching events oldest first, `pageSize` at a time (keyset paging, so deep pages stay fast). */
  scan(filter: AuditFilter, pageSize: number): AsyncGenerator<AuditEvent[]>;
  close(): Promise<void>;
}

const INT8_OID = 20;

interface StateRow {
  cursor: number;
  head_seq: number;
  stored: number;
  chain_last_seq: number;
  chain_last_hash: string;
  checked: number;
  bad_seq: number | null;
  bad_problem: string | null;
  last_sync_at: Date | null;
  search_upto: number;
  last_at_ms: number;
  at_in_order: boolean;
}

function stateFromRow(row: StateRow): MirrorState {
  return {
    cursor: row.cursor,
    headSeq: row.head_seq,
    stored: row.stored,
    chain: { lastSeq: row.chain_last_seq, lastHash: row.chain_last_hash },
    checked: row.checked,
    bad: row.bad_seq === null ? null : { seq: row.bad_seq, problem: row.bad_problem ?? 'unknown' },
    lastSyncAt: row.last_sync_at ? row.last_sync_at.toISOString() : null,
    searchUpto: row.search_upto,
    lastAtMs: row.last_at_ms,
    atInOrder: row.at_in_order,
  };
}

export interface AuditStoreOptions {
  /** Backlog above which a sync drops the filter indexes and rebuilds them at the end. */
  bulkBacklog?: number;
  /** Events per text-search chunk (default SEARCH_CHUNK); a chunk is indexed once full. */
  searchChunk?: number;
  /** Seqs per step of a walked query (default WALK_WINDOW; tests use small ones). */
  walkWindow?: number;
}

/** The highest seq when the stored events are exactly seq 1..n with no gaps (a full reader's log), else null. */
async function denseTop(db: Pick<PGlite, 'query'>, stored: number): Promise<number | null> {
  const bounds = await db.query<{ lo: number | null; hi: number | null }>(
    'SELECT min(seq) AS lo, max(seq) AS hi FROM audit_events',
  );
  const { lo, hi } = bounds.rows[0] ?? { lo: null, hi: null };
  return lo !== null && hi !== null && hi - lo + 1 === stored ? hi : null;
}

/** A mirror written by another schema version is dropped whole; the next sync fills it again. */
async function dropIfOtherVersion(db: PGlite): Promise<void> {
  const exists = await db.query<{ found: boolean }>("SELECT to_regclass('public.mirror_state') IS NOT NULL AS found");
  if (!exists.rows[0]?.found) return;
  const version = await db.query<{ v: number }>('SELECT schema_version AS v FROM mirror_state');
  if (version.rows[0]?.v === MIRROR_SCHEMA_VERSION) return;
  await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
}

const MB = 1024 * 1024;

/** A query stopped because its caller no longer wants the answer. */
export class QueryCancelledError extends Error {
  constructor() {
    super('The query was cancelled.');
    this.name = 'AbortError';
  }
}

/**
 * Seqs per step when a filter with common text is walked: a statement over this range of
 * events and of their search text takes a few milliseconds, so a query that finds nothing
 * still stops within one step of being cancelled.
 */
const WALK_WINDOW = 16_384;

/** At most this many blocks (8 MB) are read into the cache in one background step. */
const WARM_STEP_PAGES = 1024;
/** The primary key and the filter indexes, in the order they are read into the cache (see partsToWarm). */
const WARM_INDEXES: readonly ('audit_events_pkey' | FilterIndexName)[] = [
  'audit_events_pkey',
  'audit_events_action',
  'audit_events_actor',
  'audit_events_at',
  'audit_events_session',
  'audit_events_customer',
];

/** Bytes under a directory (0 when it does not exist yet). */
async function directorySize(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  let total = 0;
  for (const entry of entries)
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name)).catch(() => ({ size: 0 }))).size;
  return total;
}

/**
 * The mirror's page cache (shared_buffers), from the size of its data directory: PostgreSQL's
 * default 128 MB for a small mirror, up to 512 MB for a million events (2 GB on disk), where
 * the search text and its trigram indexes are about 265 MB and the primary key and the filter
 * indexes most often used about 140 MB more. Outside the cache, each page a query needs is a
 * read through PGlite's file system (tens of microseconds from the OS cache, hundreds from
 * disk), and a filter right after start-up needs thousands of them.
 */
export function cacheSizeFor(dataDirBytes: number): number {
  return Math.min(512, Math.max(128, Math.round(dataDirBytes / 4 / MB)));
}

export async function openAuditStore(
  dataDir: string | undefined,
  options: AuditStoreOptions = {},
): Promise<AuditStore> {
  const bulkBacklog = options.bulkBacklog ?? BULK_BACKLOG;
  const chunk = options.searchChunk ?? SEARCH_CHUNK;
  const walkWindow = options.walkWindow ?? WALK_WINDOW;
  // PGlite creates only the last folder of its path; on a first run none of them exists yet.
  if (dataDir) await ensurePrivateDir(dataDir);
  const cacheMb = cacheSizeFor(dataDir ? await directorySize(dataDir) : 0);
  const db = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    // A command-line setting, so the data directory's postgresql.conf stays as initdb wrote it.
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${cacheMb}MB`],
    extensions: { pg_trgm, pageinspect },
    // seq and counts are bigint; they fit in a JS number for any log this mirror will hold.
    parsers: { [INT8_OID]: (value: string) => Number(value) },
  });
  await dropIfOtherVersion(db);
  await db.exec(MIRROR_SCHEMA);
  await db.exec('CREATE EXTENSION IF NOT EXISTS pageinspect');
  // Index builds after a bulk sync sort a million rows: in memory, not in temporary files.
  await db.exec("SET maintenance_work_mem = '256MB'");
  // Text chunks (partitions of audit_search) that exist, and those with their trigram index.
  const chunkName = (k: number) => `audit_search_c${k}`;
  const chunks = new Set<number>();
  const indexedChunks = new Set<number>();
  for (const row of (
    await db.query<{ name: string; indexed: boolean }>(
      `SELECT c.relname AS name, EXISTS (SELECT 1 FROM pg_indexes i WHERE i.tablename = c.relname AND i.indexname = c.relname || '_trgm') AS indexed
     FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = 'audit_search'::regclass`,
    )
  ).rows) {
    const k = Number(row.name.slice('audit_search_c'.length));
    chunks.add(k);
    if (row.indexed) indexedChunks.add(k);
  }
  let bulk = false;
  // PGlite has no autovacuum daemon, so the planner's statistics are refreshed here.
  let analyzedAt = (await db.query<{ n: number }>('SELECT analyzed_stored AS n FROM mirror_state')).rows[0]?.n ?? 0;

  const readState = async (q: Pick<PGlite, 'query'>): Promise<MirrorState> => {
    const result = await q.query<StateRow>(
      'SELECT cursor, head_seq, stored, chain_last_seq, chain_last_hash, checked, bad_seq, bad_problem, last_sync_at, search_upto, last_at_ms, at_in_order FROM mirror_state',
    );
    const row = result.rows[0];
    if (!row) throw new Error('mirror_state is missing its row');
    return stateFromRow(row);
  };

  /**
   * The seq range equal to the filter's time range, when the log's times are in seq order:
   * the first event at or after `from` and the last at or before `to`, each one index probe.
   * Capped at the cursor, so events stored later (possibly out of time order) stay out.
   */
  async function seqRange(q: Pick<PGlite, 'query'>, filter: AuditFilter, state: MirrorState): Promise<SeqRange | null> {
    if (!state.atInOrder || (!filter.from && !filter.to)) return null;
    const range: SeqRange = { hi: state.cursor };
    if (filter.from) {
      const first = await q.query<{ seq: number }>(
        'SELECT seq FROM audit_events WHERE at_ts >= $1::timestamptz ORDER BY at_ts, seq LIMIT 1',
        [filter.from],
      );
      range.lo = first.rows[0]?.seq ?? Number.MAX_SAFE_INTEGER;
    }
    if (filter.to) {
      const last = await q.query<{ seq: number }>(
        'SELECT seq FROM audit_events WHERE at_ts <= $1::timestamptz ORDER BY at_ts DESC, seq DESC LIMIT 1',
        [filter.to],
      );
      range.hi = Math.min(state.cursor, last.rows[0]?.seq ?? 0);
    }
    return range;
  }

  /** The distinct actions starting with `prefix`, one (action, seq) index probe each (a skip scan). */
  async function groupActions(q: Pick<PGlite, 'query'>, prefix: string): Promise<string[]> {
    const found = await q.query<{ action: string }>(
      `WITH RECURSIVE a(action) AS (
         SELECT min(action) FROM audit_events WHERE action >= $1 AND action < $2
         UNION ALL
         SELECT (SELECT min(e.action) FROM audit_events e WHERE e.action > a.action AND e.action < $2) FROM a WHERE a.action IS NOT NULL)
       SELECT action FROM a WHERE action IS NOT NULL AND starts_with(action, $1)`,
      [prefix, prefixUpperBound(prefix)],
    );
    return found.rows.map((r) => r.action);
  }

  /**
   * Samples about 1,000 events' search text from all over the log (random pages, the same ones
   * each time) for the text and for each of its probes (filter-sql.ts): text in 2 % of them or
   * more, or text none of whose probes is rare, is walked to newest first (its newest matches
   * are near), and counted by walking too when it is in 10 % or more (see
   * TextPlan.countByWalk); otherwise the index
   * is asked only for the probes that are rare in the sample, since a common one (say `sku`)
   * costs a long posting list and narrows nothing.
   */
  async function textPlan(q: Pick<PGlite, 'query'>, filter: AuditFilter, stored: number): Promise<TextPlan | null> {
    const text = filter.text?.trim().toLowerCase();
    if (!text) return null;
    const probes = textProbes(text);
    const counts = [text, ...probes]
      .map((_, i) => `count(*) FILTER (WHERE strpos(search, $${i + 1}) > 0)::int AS c${i}`)
      .join(', ');
    const sample = await q.query<Record<string, number>>(
      `SELECT (seq - 1) / ${chunk} AS k, count(*)::int AS n, ${counts}
       FROM (SELECT seq, search FROM audit_search TABLESAMPLE SYSTEM ($${probes.length + 2}) REPEATABLE (7) LIMIT ${TEXT_SAMPLE * 2}) AS sample GROUP BY k`,
      [text, ...probes, Math.min(100, (100 * TEXT_SAMPLE) / Math.max(1, stored))],
    );
    const sum = (column: string) => sample.rows.reduce((total, row) => total + (row[column] ?? 0), 0);
    const n = sum('n');
    if (n < TEXT_SAMPLE / 10) return { walk: false, probes };
    const share = (i: number) => sum(`c${i}`) / n;
    const rare = probes.filter((_, i) => share(i + 1) < 0.05);
    // Common text, or text whose every probe is common (say `sku-10`: only `sku` is long enough,
    // and nearly every order event has it): the index would not narrow it, a walk finds it.
    if (share(0) >= 0.02 || (probes.length > 0 && rare.length === 0)) {
      const rareInChunks = sample.rows
        .filter((row) => (row.n ?? 0) >= 20 && (row.c0 ?? 0) / (row.n ?? 1) < 0.02)
        .map((row) => Number(row.k));
      return { walk: true, probes, countByWalk: share(0) >= 0.1, rareInChunks };
    }
    return { walk: false, probes: rare.length > 0 ? rare : probes };
  }

  /**
   * The newest `need` events whose search text holds the (common) text, chunk by chunk from
   * the newest: walked to where the text is common, looked up through the chunk's trigram index
   * where the sample found it rare (say, the newest events are one agent's page views and the
   * text is another staff member's name).
   */
  async function newestCommonText(
    q: Pick<PGlite, 'query'>,
    filter: AuditFilter,
    plan: TextPlan,
    need: number,
  ): Promise<number[]> {
    const rare = new Set(plan.rareInChunks);
    const walked = textOnlySql(filter, { walk: true, probes: [] });
    const lookedUp = textOnlySql(filter, { walk: false, probes: [] });
    if (!walked || !lookedUp) return [];
    const found: number[] = [];
    for (const k of [...chunks].sort((a, b) => b - a)) {
      const where = rare.has(k) && indexedChunks.has(k) ? lookedUp : walked;
      const rows = await q.query<{ seq: number }>(
        `SELECT s.seq FROM ${chunkName(k)} s ${where.sql} ORDER BY s.seq DESC LIMIT ${need - found.length}`,
        where.params,
      );
      for (const row of rows.rows) found.push(row.seq);
      if (found.length >= need) break;
    }
    return found;
  }

  /**
   * Maintenance left to do, one statement per step, so that queries queued meanwhile run
   * between steps instead of waiting for all of it (PGlite runs one statement at a time).
   */
  const pending: { sql: string; after?: () => Promise<void> | void }[] = [];
  // A crash during a bulk sync leaves filter indexes missing; build them again (first step).
  const present = new Set(
    (
      await db.query<{ name: string }>(
        "SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'audit_events'",
      )
    ).rows.map((r) => r.name),
  );
  let indexesMissing = Object.keys(FILTER_INDEXES).some((name) => !present.has(name));

  function queueMaintenance(stored: number): void {
    const stale = stored > 1000 && stored > analyzedAt * 1.1 && !pending.some((step) => step.sql.startsWith('VACUUM'));
    // Statistics first (a sample, quick), so the planner knows the new size right away.
    if (stale) pending.push({ sql: 'ANALYZE audit_events' });
    if (indexesMissing && !bulk && !pending.some((step) => step.sql.startsWith('CREATE INDEX'))) {
      // Smallest builds first, so that most filters have their index soonest.
      for (const [name, on] of Object.entries(FILTER_INDEXES))
        pending.push({ sql: `CREATE INDEX IF NOT EXISTS ${name} ${on}` });
      const last = pending.at(-1);
      if (last)
        last.after = () => {
          indexesMissing = false;
        };
    }
    if (stale) {
      // VACUUM sets the visibility map, which lets capped counts run as index-only scans.
      pending.push({
        sql: 'VACUUM audit_events',
        after: async () => {
          await db.query('UPDATE mirror_state SET analyzed_stored = $1', [stored]);
          analyzedAt = stored;
        },
      });
    }
  }

  async function settle(): Promise<void> {
    const { stored } = await readState(db);
    if (bulk) {
      bulk = false;
      indexesMissing = true;
    }
    queueMaintenance(stored);
  }

  async function ingestPrepared(
    page: PreparedPage,
  ): Promise<{ state: MirrorState; nextAfter: number; received: number }> {
    const committed: (() => void)[] = [];
    const state = await db.transaction(async (tx) => {
      const current = await readState(tx);
      // Another sync moved on meanwhile (or the page was fetched from a stale cursor): skip it.
      if (current.cursor !== page.after)
        throw new BadPageError(`The page was fetched after ${page.after}, but the mirror is at ${current.cursor}.`);
      if (!sameVerifyState(page.from, current))
        throw new BadPageError(
          `The page after ${page.after} was verified from another chain state than the mirror holds.`,
        );
      if (!bulk && page.headSeq - page.after > bulkBacklog) {
        // Dropping indexes needs no other statement queued on them: pending maintenance is moot.
        pending.length = 0;
        await tx.query(DROP_FILTER_INDEXES_SQL);
        bulk = true;
      }
      if (page.received > 0) {
        // Every stored seq is at most the cursor and every seq here is above it, so the rows are
        // new; a duplicate would fail the COPY and roll the whole page back.
        await tx.query(`COPY audit_events (${COPY_COLUMNS}) FROM '/dev/blob'`, [], { blob: new Blob([page.rows]) });
        const created: number[] = [];
        for (let k = searchChunkOf(page.firstSeq, chunk); k <= searchChunkOf(page.lastSeq, chunk); k += 1) {
          if (chunks.has(k)) continue;
          await tx.exec(
            `CREATE TABLE ${chunkName(k)} PARTITION OF audit_search FOR VALUES FROM (${k * chunk + 1}) TO (${(k + 1) * chunk + 1})`,
          );
          created.push(k);
        }
        await tx.query("COPY audit_search (seq, search) FROM '/dev/blob'", [], { blob: new Blob([page.searchRows]) });
        // Known only once committed (a rolled-back page leaves no partition behind).
        committed.push(() => {
          for (const k of created) chunks.add(k);
        });
      }
      const { chain, checked, bad, lastAtMs, atInOrder } = page.to;
      const updated = await tx.query<StateRow>(
        `UPDATE mirror_state SET cursor = $1, head_seq = $2, stored = stored + $3, chain_last_seq = $4, chain_last_hash = $5,
           checked = $6, bad_seq = $7, bad_problem = $8, last_at_ms = $9, at_in_order = $10
         RETURNING cursor, head_seq, stored, chain_last_seq, chain_last_hash, checked, bad_seq, bad_problem, last_sync_at, search_upto, last_at_ms, at_in_order`,
        [
          page.nextAfter,
          page.headSeq,
          page.received,
          chain.lastSeq,
          chain.lastHash,
          checked,
          bad?.seq ?? null,
          bad?.problem ?? null,
          lastAtMs,
          atInOrder,
        ],
      );
      const row = updated.rows[0];
      if (!row) throw new Error('mirror_state is missing its row');
      return stateFromRow(row);
    });
    for (const done of committed) done();
    return { state, nextAfter: page.nextAfter, received: page.received };
  }

  queueMaintenance((await readState(db)).stored);

  /** Blocks `from` up to `to` of a relation, read into the cache in one step. */
  interface WarmPart {
    name: string;
    from: number;
    to: number;
  }
  /** What warmCache has still to read; null until it lists it. */
  let warmQueue: WarmPart[] | null = null;
  /**
   * What queries read, in the order the viewer needs it, while it fits in about 80 % of the
   * cache: each text chunk's trigram index and text (newest first: free text reads both and
   * the events behind them are the ones looked at most), then the primary key (every page of
   * results is read through it), then the filter indexes, the action's first (the viewer's
   * action list). A relation that does not fit is left out and smaller ones after it still
   * come. The events themselves are read as queries ask for them. Each relation is read in
   * parts of WARM_STEP_PAGES, so a query never waits behind more than one part.
   */
  async function partsToWarm(): Promise<WarmPart[]> {
    const wanted = [
      ...[...chunks]
        .sort((a, b) => b - a)
        .flatMap((k) => [...(indexedChunks.has(k) ? [`${chunkName(k)}_trgm`] : []), chunkName(k)]),
      ...WARM_INDEXES,
    ];
    const sizes = await db.query<{ pages: number | null }>(
      'SELECT (pg_relation_size(to_regclass(r)) / 8192)::int AS pages FROM unnest($1::text[]) WITH ORDINALITY AS t(r, i) ORDER BY i',
      [wanted],
    );
    let budget = Math.floor((cacheMb * MB * 0.8) / 8192);
    const parts: WarmPart[] = [];
    for (const [i, name] of wanted.entries()) {
      // null: an index a bulk sync dropped and maintenance has not built again yet.
      const pages = sizes.rows[i]?.pages ?? null;
      if (pages === null || pages > budget) continue;
      budget -= pages;
      for (let from = 0; from < pages; from += WARM_STEP_PAGES)
        parts.push({ name, from, to: Math.min(pages, from + WARM_STEP_PAGES) });
    }
    return parts;
  }

  return {
    state: () => readState(db),

    ingestPrepared,

    maintain: async () => {
      const step = pending.shift();
      if (!step) return false;
      if (step.sql.startsWith('CREATE INDEX')) {
        // Checked under PGlite's lock: a bulk sync that started meanwhile wants no indexes.
        await db.transaction(async (tx) => {
          if (!bulk) await tx.exec(step.sql);
        });
        // A new index to read into the cache: list the relations again.
        warmQueue = null;
      } else {
        await db.exec(step.sql);
      }
      await step.after?.();
      return pending.length > 0;
    },

    markSynced: async (at) => {
      await settle();
      await db.query('UPDATE mirror_state SET last_sync_at = $1', [at.toISOString()]);
      return readState(db);
    },

    settle: () => settle(),

    indexSearch: async () => {
      const unindexed = [...chunks].filter((k) => !indexedChunks.has(k)).sort((a, b) => a - b);
      // Not during a bulk sync (building them once it is over is cheaper than keeping them up).
      const next = bulk ? undefined : unindexed[0];
      if (next !== undefined) {
        await db.exec(
          `CREATE INDEX IF NOT EXISTS ${chunkName(next)}_trgm ON ${chunkName(next)} USING gin (search gin_trgm_ops)`,
        );
        await db.exec(`ANALYZE ${chunkName(next)}`);
        indexedChunks.add(next);
        // A new index to read into the cache: list the relations again.
        warmQueue = null;
      }
      // Every event below the first chunk still without an index is searched through one.
      const { cursor } = await readState(db);
      const gap = unindexed[next === undefined ? 0 : 1];
      const upto = gap === undefined ? cursor : Math.min(cursor, gap * chunk);
      await db.query('UPDATE mirror_state SET search_upto = $1', [upto]);
      return { indexed: next === undefined ? 0 : 1, done: bulk || unindexed.length <= 1 };
    },

    warmCache: async () => {
      if (warmQueue === null) {
        warmQueue = await partsToWarm();
        return { done: warmQueue.length === 0 };
      }
      const next = warmQueue.shift();
      // Through the buffer manager, block by block, as pg_prewarm would (PGlite has no pg_prewarm).
      if (next)
        await db.query(
          'SELECT count(get_raw_page($1, b::int))::int AS n FROM generate_series($2::int, $3::int - 1) AS b',
          [next.name, next.from, next.to],
        );
      return { done: warmQueue.length === 0 };
    },

    // One transaction: the state, the seq range and both statements see one snapshot, and a
    // query queued behind maintenance or a page waits for one unit of work, not several.
    query: (filter, offset, limit, cancelled) =>
      db.transaction(async (tx) => {
        if (filter.staffId || filter.customerId || filter.sessionId || filter.action || filter.actionGroup) {
          // Pages come from memory, so a random read costs about what a sequential one does. At
          // the default (4) the planner would rather walk the primary key backward and filter
          // (reading every newer event when the newest ones do not match) than use an equality
          // filter's own (…, seq) index (an action group is one equality per action, below).
          await tx.exec('SET LOCAL random_page_cost = 1.1');
        }
        const current = await readState(tx);
        const range = await seqRange(tx, filter, current);
        const plan = await textPlan(tx, filter, current.stored);
        const where = filterSql(filter, range, plan);
        // Common text: the page is walked to (its matches are near), but counting to the cap that
        // way reads every event on the way; the trigram index with the whole text (its word
        // boundaries narrow a phrase) finds the first 10,000 faster.
        const countWhere = plan?.walk ? filterSql(filter, range, { walk: false, probes: [] }) : where;
        const eventsBySeq = async (seqs: number[]) =>
          seqs.length === 0
            ? []
            : (
                await tx.query<StoredAuditRow>(
                  `SELECT ${AUDIT_COLUMN_LIST} FROM audit_events WHERE seq = ANY($1::bigint[]) ORDER BY seq DESC`,
                  [seqs],
                )
              ).rows.map(eventFromRow);
        /** Matches in `from` (a table and its alias), counted up to the cap: the viewer shows "more than" there. */
        const cappedCount = async (from: string, condition: { sql: string; params: unknown[] }) =>
          (
            await tx.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${from} ${condition.sql} LIMIT ${AUDIT_COUNT_CAP}) AS capped`,
              condition.params,
            )
          ).rows[0]?.n ?? 0;
        const textOnly = textOnlySql(filter, plan);
        if (textOnly && plan?.walk) {
          // Common text alone: the page walks audit_search newest first (its matches are near);
          // the capped count takes matches in any order: in storage order when the text is very
          // common, otherwise through the whole text's trigrams.
          // The first pages chunk by chunk (see newestCommonText); deeper ones in one walk.
          const seqs =
            offset + limit <= AUDIT_COUNT_CAP
              ? (await newestCommonText(tx, filter, plan, offset + limit)).slice(offset)
              : (
                  await tx.query<{ seq: number }>(
                    `SELECT s.seq FROM audit_search s ${textOnly.sql} ORDER BY s.seq DESC OFFSET ${offset} LIMIT ${limit}`,
                    textOnly.params,
                  )
                ).rows.map((r) => r.seq);
          const events = await eventsBySeq(seqs);
          if (offset === 0 && events.length < limit) return { total: events.length, events };
          const counting = plan.countByWalk ? textOnly : (textOnlySql(filter, { walk: false, probes: [] }) ?? textOnly);
          return { total: await cappedCount('audit_search s', counting), events };
        }
        if (plan && !plan.walk && offset + limit <= AUDIT_COUNT_CAP) {
          // Text through the index: one pass finds the matches (up to the cap) newest first; the
          // page is a slice of them and the total their number, instead of a second search.
          const found = textOnly
            ? await tx.query<{ seq: number }>(
                `SELECT s.seq FROM audit_search s ${textOnly.sql} ORDER BY s.seq DESC LIMIT ${AUDIT_COUNT_CAP}`,
                textOnly.params,
              )
            : await tx.query<{ seq: number }>(
                `SELECT seq FROM audit_events ${where.sql} ORDER BY seq DESC LIMIT ${AUDIT_COUNT_CAP}`,
                where.params,
              );
          const events = await eventsBySeq(found.rows.slice(offset, offset + limit).map((r) => r.seq));
          return { total: found.rows.length, events };
        }
        if (
          plan?.walk &&
          !textOnly &&
          offset + limit <= AUDIT_COUNT_CAP &&
          (range !== null || (!filter.from && !filter.to))
        ) {
          // Common text with other filters: walked newest first, a window of seqs per statement,
          // each reading that range of the events and of their text only, up to the count's cap
          // (one pass yields the page and the total). Text of a few letters with a filter it
          // rarely meets walks the whole log; between windows, a cancelled query stops.
          const found: number[] = [];
          const bottom = Math.max(1, range?.lo ?? 1);
          for (
            let hi = Math.min(current.cursor, range?.hi ?? current.cursor);
            hi >= bottom && found.length < AUDIT_COUNT_CAP;
            hi -= walkWindow
          ) {
            await yieldToEvents();
            if (cancelled?.()) throw new QueryCancelledError();
            const window = filterSql(filter, { lo: Math.max(bottom, hi - walkWindow + 1), hi }, plan);
            const rows = await tx.query<{ seq: number }>(
              `SELECT seq FROM audit_events ${window.sql} ORDER BY seq DESC LIMIT ${AUDIT_COUNT_CAP - found.length}`,
              window.params,
            );
            for (const row of rows.rows) found.push(row.seq);
          }
          return { total: found.length, events: await eventsBySeq(found.slice(offset, offset + limit)) };
        }
        const group = filter.actionGroup ?? (filter.action?.endsWith('.') ? filter.action : null);
        if (
          group &&
          !filter.staffId &&
          !filter.customerId &&
          !filter.sessionId &&
          !filter.text &&
          offset + limit <= AUDIT_COUNT_CAP
        ) {
          // An action group alone: the newest events of each of its actions, one (action, seq)
          // index walk each, merged. Walking all events newest first instead reads every newer
          // event of other actions (say, the newest 40,000 events are page views).
          const actions = filter.actionGroup ? AUDIT_ACTION_GROUPS[filter.actionGroup] : await groupActions(tx, group);
          const branches = actions.map(
            (_, i) =>
              `(SELECT seq FROM audit_events ${where.sql} AND action = $${where.params.length + i + 1} ORDER BY seq DESC LIMIT ${offset + limit})`,
          );
          const found =
            branches.length === 0
              ? []
              : (
                  await tx.query<{ seq: number }>(
                    `SELECT seq FROM (${branches.join(' UNION ALL ')}) AS newest ORDER BY seq DESC OFFSET ${offset} LIMIT ${limit}`,
                    [...where.params, ...actions],
                  )
                ).rows;
          const events = await eventsBySeq(found.map((r) => r.seq));
          if (offset === 0 && events.length < limit) return { total: events.length, events };
          return { total: await cappedCount('audit_events', where), events };
        }
        const dense = where.params.length === 0 ? await denseTop(tx, current.stored) : null;
        // A complete log (no gaps in seq) turns "row N from the top" into one primary-key probe,
        // so a jump deep into a million events costs the same as the first page.
        const events =
          dense === null
            ? await tx.query<StoredAuditRow>(
                `SELECT ${AUDIT_COLUMN_LIST} FROM audit_events ${where.sql} ORDER BY seq DESC OFFSET $${where.params.length + 1} LIMIT $${where.params.length + 2}`,
                [...where.params, offset, limit],
              )
            : await tx.query<StoredAuditRow>(
                `SELECT ${AUDIT_COLUMN_LIST} FROM audit_events WHERE seq <= $1 ORDER BY seq DESC LIMIT $2`,
                [dense - offset, limit],
              );
        let total: number;
        if (where.params.length === 0) {
          total = current.stored;
        } else if (offset === 0 && events.rows.length < limit) {
          // The first page holds every match: that is the total, no second walk needed.
          total = Math.min(events.rows.length, AUDIT_COUNT_CAP);
        } else {
          total = await cappedCount('audit_events', countWhere);
        }
        return { total, events: events.rows.map(eventFromRow) };
      }),

    scan: async function* (filter, pageSize) {
      const { range, plan } = await db.transaction(async (tx) => {
        const state = await readState(tx);
        return { range: await seqRange(tx, filter, state), plan: await textPlan(tx, filter, state.stored) };
      });
      const where = filterSql(filter, range, plan);
      let after = 0;
      for (;;) {
        const joiner = where.sql ? `${where.sql} AND` : 'WHERE';
        const page = await db.query<StoredAuditRow>(
          `SELECT ${AUDIT_COLUMN_LIST} FROM audit_events ${joiner} seq > $${where.params.length + 1} ORDER BY seq LIMIT $${where.params.length + 2}`,
          [...where.params, after, pageSize],
        );
        const last = page.rows[page.rows.length - 1];
        if (!last) return;
        yield page.rows.map(eventFromRow);
        after = last.seq;
      }
    },

    close: () => db.close(),
  };
}
