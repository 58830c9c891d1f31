import { createHash } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { AuditPage, type AuditEvent } from '../../../shared/api/audit';
import { verifyChain, type ChainState } from '../../../shared/audit/chain';
import { AUDIT_COUNT_CAP, type AuditFilter } from '../../../shared/ipc/contract';
import { DROP_FILTER_INDEXES_SQL, FILTER_INDEXES_SQL, MIRROR_SCHEMA, MIRROR_SCHEMA_VERSION, SEARCH_TEXT_SQL } from './schema';
import { filterSql, type SeqRange } from './filter-sql';

/** node:crypto's SHA-256 is several times faster than the pure-JS one shared/ must use. */
const nodeSha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export { AUDIT_COUNT_CAP };

/** A sync this far behind the shop's head stores without filter indexes and builds them at the end. */
export const BULK_BACKLOG = 100_000;

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
   * Stores one page fetched with `after`: its rows, the new cursor and the chain state land in
   * one transaction, so a crash leaves either all of it or none of it.
   */
  ingest(after: number, page: unknown): Promise<{ state: MirrorState; nextAfter: number; received: number }>;
  markSynced(at: Date): Promise<MirrorState>;
  /** After a sync, finished or not: filter indexes back in place, planner statistics fresh. */
  settle(): Promise<void>;
  /** Refreshes the text index's statistics (after the indexer added many rows). */
  analyzeSearch(): Promise<void>;
  /** Adds up to `batch` events to the text index; `done` once it covers everything stored. */
  indexSearch(batch: number): Promise<{ indexed: number; done: boolean }>;
  query(filter: AuditFilter, offset: number, limit: number): Promise<{ total: number; events: AuditEvent[] }>;
  /** Matching events oldest first, `pageSize` at a time (keyset paging, so deep pages stay fast). */
  scan(filter: AuditFilter, pageSize: number): AsyncGenerator<AuditEvent[]>;
  close(): Promise<void>;
}

/** The shop sent something the API does not allow; syncing stops rather than store it. */
export class BadPageError extends Error {}

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

interface EventRow {
  seq: number;
  id: string;
  at: string;
  action: string;
  actor_type: 'staff' | 'customer' | 'system';
  actor_id: string | null;
  actor_name: string | null;
  customer_id: string | null;
  session_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

const EVENT_COLUMNS = 'seq, id, at, action, actor_type, actor_id, actor_name, customer_id, session_id, ip, user_agent, details, prev_hash, hash';

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

export function eventFromRow(row: EventRow): AuditEvent {
  return {
    seq: row.seq,
    id: row.id,
    at: row.at,
    action: row.action,
    actor: { type: row.actor_type, id: row.actor_id, name: row.actor_name },
    customerId: row.customer_id,
    sessionId: row.session_id,
    ip: row.ip,
    userAgent: row.user_agent,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Checks what the schema cannot: order, and that the page lies between `after` and its cursor. */
function checkPageShape(after: number, page: AuditPage): void {
  if (page.nextAfter < after) throw new BadPageError(`The shop moved the cursor back (after ${after}, next ${page.nextAfter}).`);
  let previous = after;
  for (const event of page.events) {
    if (event.seq <= previous) throw new BadPageError(`The shop sent event ${event.seq} out of order (after ${previous}).`);
    previous = event.seq;
  }
  if (previous > page.nextAfter) throw new BadPageError(`The shop's cursor ${page.nextAfter} is behind its last event ${previous}.`);
}

/** One flat record per event for json_to_recordset: one parameter, one statement per page. */
function flatRows(events: readonly AuditEvent[]): string {
  return JSON.stringify(events.map((e) => ({
    seq: e.seq,
    id: e.id,
    at: e.at,
    action: e.action,
    actor_type: e.actor.type,
    actor_id: e.actor.id,
    actor_name: e.actor.name,
    customer_id: e.customerId,
    session_id: e.sessionId,
    ip: e.ip,
    user_agent: e.userAgent,
    details: e.details,
    prev_hash: e.prevHash,
    hash: e.hash,
  })));
}

const INSERT_PAGE = `
INSERT INTO audit_events (seq, id, at, at_ts, action, actor_type, actor_id, actor_name, customer_id, session_id, ip, user_agent, details, prev_hash, hash)
SELECT seq, id, at, at::timestamptz, action, actor_type, actor_id, actor_name, customer_id, session_id, ip, user_agent, details, prev_hash, hash
FROM json_to_recordset($1::json) AS t(seq bigint, id text, at text, action text, actor_type text, actor_id text, actor_name text,
  customer_id text, session_id text, ip text, user_agent text, details jsonb, prev_hash text, hash text)
ON CONFLICT (seq) DO NOTHING`;

export interface AuditStoreOptions {
  /** Backlog above which a sync drops the filter indexes and rebuilds them at the end. */
  bulkBacklog?: number;
}

/** The highest seq when the stored events are exactly seq 1..n with no gaps (a full reader's log), else null. */
async function denseTop(db: Pick<PGlite, 'query'>, stored: number): Promise<number | null> {
  const bounds = await db.query<{ lo: number | null; hi: number | null }>('SELECT min(seq) AS lo, max(seq) AS hi FROM audit_events');
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

export async function openAuditStore(dataDir: string | undefined, options: AuditStoreOptions = {}): Promise<AuditStore> {
  const bulkBacklog = options.bulkBacklog ?? BULK_BACKLOG;
  const db = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    extensions: { pg_trgm },
    // seq and counts are bigint; they fit in a JS number for any log this mirror will hold.
    parsers: { [INT8_OID]: (value: string) => Number(value) },
  });
  await dropIfOtherVersion(db);
  await db.exec(MIRROR_SCHEMA);
  let bulk = false;
  // PGlite has no autovacuum daemon, so the planner's statistics are refreshed here.
  let analyzedAt = (await db.query<{ n: number }>('SELECT analyzed_stored AS n FROM mirror_state')).rows[0]?.n ?? 0;

  const readState = async (q: Pick<PGlite, 'query'>): Promise<MirrorState> => {
    const result = await q.query<StateRow>('SELECT cursor, head_seq, stored, chain_last_seq, chain_last_hash, checked, bad_seq, bad_problem, last_sync_at, search_upto, last_at_ms, at_in_order FROM mirror_state');
    const row = result.rows[0];
    if (!row) throw new Error('mirror_state is missing its row');
    return stateFromRow(row);
  };

  /**
   * The seq range equal to the filter's time range, when the log's times are in seq order:
   * the first event at or after `from` and the last at or before `to`, each one index probe.
   */
  async function seqRange(filter: AuditFilter, state: MirrorState): Promise<SeqRange | null> {
    if (!state.atInOrder || (!filter.from && !filter.to)) return null;
    const range: SeqRange = {};
    if (filter.from) {
      const first = await db.query<{ seq: number }>('SELECT seq FROM audit_events WHERE at_ts >= $1::timestamptz ORDER BY at_ts, seq LIMIT 1', [filter.from]);
      range.lo = first.rows[0]?.seq ?? Number.MAX_SAFE_INTEGER;
    }
    if (filter.to) {
      const last = await db.query<{ seq: number }>('SELECT seq FROM audit_events WHERE at_ts <= $1::timestamptz ORDER BY at_ts DESC, seq DESC LIMIT 1', [filter.to]);
      range.hi = last.rows[0]?.seq ?? 0;
    }
    return range;
  }

  async function settle(): Promise<void> {
    if (bulk) {
      await db.exec(FILTER_INDEXES_SQL);
      bulk = false;
    }
    const { stored } = await readState(db);
    if (stored > 1000 && stored > analyzedAt * 1.1) {
      // VACUUM also sets the visibility map, which lets capped counts run as index-only scans.
      await db.exec('VACUUM ANALYZE audit_events');
      await db.query('UPDATE mirror_state SET analyzed_stored = $1', [stored]);
      analyzedAt = stored;
    }
  }

  return {
    state: () => readState(db),

    ingest: async (after, raw) => {
      const parsed = AuditPage.safeParse(raw);
      if (!parsed.success) throw new BadPageError(`The shop sent an invalid audit page: ${parsed.error.issues[0]?.message ?? 'schema mismatch'}.`);
      const page = parsed.data;
      checkPageShape(after, page);
      const state = await db.transaction(async (tx) => {
        const current = await readState(tx);
        // Another sync moved on meanwhile (or the page was fetched from a stale cursor): skip it.
        if (current.cursor !== after) throw new BadPageError(`The page was fetched after ${after}, but the mirror is at ${current.cursor}.`);
        let { chain, checked, bad, lastAtMs, atInOrder } = current;
        for (const event of page.events) {
          const at = Date.parse(event.at);
          if (at < lastAtMs) atInOrder = false;
          else lastAtMs = at;
        }
        if (!bad) {
          const fresh = page.events.filter((e) => e.seq > chain.lastSeq);
          const check = verifyChain(fresh, chain, nodeSha256Hex);
          if (check.ok) {
            if (check.checked > 0) chain = { lastSeq: check.lastSeq, lastHash: check.lastHash };
            checked += check.checked;
          } else {
            checked += check.checked;
            bad = { seq: check.badSeq, problem: check.problem };
          }
        }
        if (!bulk && page.head.seq - after > bulkBacklog) {
          await tx.query(DROP_FILTER_INDEXES_SQL);
          bulk = true;
        }
        let inserted = 0;
        if (page.events.length > 0) {
          const result = await tx.query(INSERT_PAGE, [flatRows(page.events)]);
          inserted = result.affectedRows ?? 0;
        }
        const updated = await tx.query<StateRow>(
          `UPDATE mirror_state SET cursor = $1, head_seq = $2, stored = stored + $3, chain_last_seq = $4, chain_last_hash = $5,
             checked = $6, bad_seq = $7, bad_problem = $8, last_at_ms = $9, at_in_order = $10
           RETURNING cursor, head_seq, stored, chain_last_seq, chain_last_hash, checked, bad_seq, bad_problem, last_sync_at, search_upto, last_at_ms, at_in_order`,
          [page.nextAfter, Math.max(page.head.seq, page.nextAfter), inserted, chain.lastSeq, chain.lastHash, checked, bad?.seq ?? null, bad?.problem ?? null, lastAtMs, atInOrder],
        );
        const row = updated.rows[0];
        if (!row) throw new Error('mirror_state is missing its row');
        return stateFromRow(row);
      });
      return { state, nextAfter: page.nextAfter, received: page.events.length };
    },

    markSynced: async (at) => {
      await settle();
      await db.query('UPDATE mirror_state SET last_sync_at = $1', [at.toISOString()]);
      return readState(db);
    },

    settle: () => settle(),

    analyzeSearch: async () => { await db.exec('VACUUM ANALYZE audit_search'); },

    indexSearch: async (batch) => {
      return db.transaction(async (tx) => {
        const { cursor, searchUpto } = await readState(tx);
        const added = await tx.query<{ seq: number }>(
          `INSERT INTO audit_search (seq, search)
           SELECT seq, ${SEARCH_TEXT_SQL} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2
           ON CONFLICT (seq) DO NOTHING RETURNING seq`,
          [searchUpto, batch],
        );
        const indexed = added.rows.length;
        // A short batch reached the end of what is stored, which covers everything up to the cursor.
        const upto = indexed < batch ? cursor : added.rows.reduce((max, r) => Math.max(max, r.seq), searchUpto);
        await tx.query('UPDATE mirror_state SET search_upto = $1', [upto]);
        return { indexed, done: indexed < batch };
      });
    },

    query: async (filter, offset, limit) => {
      const current = await readState(db);
      const where = filterSql(filter, current.searchUpto, current.cursor, await seqRange(filter, current));
      const dense = where.params.length === 0 ? await denseTop(db, current.stored) : null;
      // A complete log (no gaps in seq) turns "row N from the top" into one primary-key probe,
      // so a jump deep into a million events costs the same as the first page.
      const events = dense === null
        ? await db.query<EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM audit_events ${where.sql} ORDER BY seq DESC OFFSET $${where.params.length + 1} LIMIT $${where.params.length + 2}`,
          [...where.params, offset, limit],
        )
        : await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM audit_events WHERE seq <= $1 ORDER BY seq DESC LIMIT $2`, [dense - offset, limit]);
      let total: number;
      if (where.params.length === 0) {
        total = current.stored;
      } else {
        const counted = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM (SELECT 1 FROM audit_events ${where.sql} LIMIT ${AUDIT_COUNT_CAP}) AS capped`,
          where.params,
        );
        total = counted.rows[0]?.n ?? 0;
      }
      return { total, events: events.rows.map(eventFromRow) };
    },

    scan: async function* (filter, pageSize) {
      const current = await readState(db);
      const where = filterSql(filter, current.searchUpto, current.cursor, await seqRange(filter, current));
      let after = 0;
      for (;;) {
        const joiner = where.sql ? `${where.sql} AND` : 'WHERE';
        const page = await db.query<EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM audit_events ${joiner} seq > $${where.params.length + 1} ORDER BY seq LIMIT $${where.params.length + 2}`,
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
