import type { PGlite, Transaction } from '@electric-sql/pglite';
import { DROP_FILTER_INDEXES_SQL, FILTER_INDEXES } from './schema';
import { readState } from './store-state';
import { chunkName, unindexedOldestFirst } from './text-chunks';
import type { StoreContext } from './store-context';

/** One maintenance statement, and what to note once it has run. */
interface Step {
  sql: string;
  after?: () => Promise<void> | void;
}

/**
 * The upkeep a sync leaves behind: filter indexes a bulk sync dropped (or a crash left
 * missing), fresh planner statistics and the visibility map, queued and run one statement per
 * step so that queries queued meanwhile run between steps (PGlite runs one statement at a time).
 */
export interface Maintenance {
  /** A bulk sync is under way: no filter indexes, and new text chunks stay unindexed until it settles. */
  readonly inBulk: () => boolean;
  /** In the transaction of the page that starts a bulk sync: drops the filter indexes. */
  beginBulk(tx: Transaction): Promise<void>;
  /** After a sync, finished or not: queues what the store needs next (see AuditStore.settle). */
  settle(): Promise<void>;
  /** Runs the next queued step; false once nothing is left. */
  maintain(): Promise<boolean>;
}

/** `onNewIndex` is told when an index was built, so the cache warm-up lists its relations again. */
export async function openMaintenance(db: PGlite, onNewIndex: () => void): Promise<Maintenance> {
  let bulk = false;
  // PGlite has no autovacuum daemon, so the planner's statistics are refreshed here.
  let analyzedAt = (await db.query<{ n: number }>('SELECT analyzed_stored AS n FROM mirror_state')).rows[0]?.n ?? 0;
  const pending: Step[] = [];
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

  queueMaintenance((await readState(db)).stored);

  return {
    inBulk: () => bulk,

    beginBulk: async (tx) => {
      // Dropping indexes needs no other statement queued on them: pending maintenance is moot.
      pending.length = 0;
      await tx.query(DROP_FILTER_INDEXES_SQL);
      bulk = true;
    },

    settle: async () => {
      const { stored } = await readState(db);
      if (bulk) {
        bulk = false;
        indexesMissing = true;
      }
      queueMaintenance(stored);
    },

    maintain: async () => {
      const step = pending.shift();
      if (!step) return false;
      if (step.sql.startsWith('CREATE INDEX')) {
        // Checked under PGlite's lock: a bulk sync that started meanwhile wants no indexes.
        await db.transaction(async (tx) => {
          if (!bulk) await tx.exec(step.sql);
        });
        onNewIndex();
      } else {
        await db.exec(step.sql);
      }
      await step.after?.();
      return pending.length > 0;
    },
  };
}

/**
 * Builds the trigram index of the oldest text chunk without one (see AuditStore.indexSearch),
 * then records up to which seq every event is in an indexed chunk.
 */
export async function indexNextChunk(
  { db, chunks }: StoreContext,
  inBulk: () => boolean,
  onNewIndex: () => void,
): Promise<{ indexed: number; done: boolean }> {
  const unindexed = unindexedOldestFirst(chunks);
  // Not during a bulk sync (building them once it is over is cheaper than keeping them up).
  const next = inBulk() ? undefined : unindexed[0];
  if (next !== undefined) {
    await db.exec(
      `CREATE INDEX IF NOT EXISTS ${chunkName(next)}_trgm ON ${chunkName(next)} USING gin (search gin_trgm_ops)`,
    );
    await db.exec(`ANALYZE ${chunkName(next)}`);
    chunks.indexed.add(next);
    onNewIndex();
  }
  // Every event below the first chunk still without an index is searched through one.
  const { cursor } = await readState(db);
  const gap = unindexed[next === undefined ? 0 : 1];
  const upto = gap === undefined ? cursor : Math.min(cursor, gap * chunks.size);
  await db.query('UPDATE mirror_state SET search_upto = $1', [upto]);
  return { indexed: next === undefined ? 0 : 1, done: inBulk() || unindexed.length <= 1 };
}
