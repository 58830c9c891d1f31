import { cp, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pageinspect } from '@electric-sql/pglite/contrib/pageinspect';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { ensurePrivateDir, madeWhole, pathExists } from '../private-dir';
import { ACTION_COUNTS_TABLE, HELD_AFTER_COLUMN, MIRROR_SCHEMA, MIRROR_SCHEMA_VERSION } from './schema';
import { loadTextChunks, type TextChunks } from './text-chunks';
import { PGLITE_SHARED_MEMORY } from '../../../shared/pglite-start';

/** What every part of the store works on: the database, its text chunks, and its page cache's size. */
export interface StoreContext {
  readonly db: PGlite;
  readonly chunks: TextChunks;
  /** shared_buffers in MB, chosen when the store opened (see cacheSizeFor). */
  readonly cacheMb: number;
  /** The data directory (null: in memory). */
  readonly dataDir: string | null;
}

const INT8_OID = 20;
export const MB = 1024 * 1024;

/** Bytes under a directory (0 when it does not exist yet). */
async function directorySize(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  let total = 0;
  for (const entry of entries)
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name)).catch(() => ({ size: 0 }))).size;
  return total;
}

/** The page cache's bounds in MB (see cacheSizeFor). */
export const CACHE_MIN_MB = 16;
export const CACHE_MAX_MB = 256;

/**
 * The mirror's page cache (shared_buffers) in MB, from the size of its data directory: a
 * quarter of it, from 16 MB up to 256 MB. Pages take memory as queries and the warm-up read them
 * (PGLITE_SHARED_MEMORY), and they stay resident (see docs/PERFORMANCE.md, "Audit mirror: the
 * measurements behind its design").
 */
export function cacheSizeFor(dataDirBytes: number): number {
  return Math.min(CACHE_MAX_MB, Math.max(CACHE_MIN_MB, Math.round(dataDirBytes / 4 / MB)));
}

/** PGlite's WebAssembly memory at start: the cache plus room for the rest, so it does not grow step by step while starting. */
const heapBytesFor = (cacheMb: number) => (cacheMb + 112) * MB;

/**
 * What the folder holds: the current schema (nothing to create), none yet, or another version's,
 * which is dropped whole (the next sync fills it again).
 */
async function schemaState(db: PGlite): Promise<'current' | 'missing'> {
  const exists = await db.query<{ found: boolean }>("SELECT to_regclass('public.mirror_state') IS NOT NULL AS found");
  if (!exists.rows[0]?.found) return 'missing';
  const version = await db.query<{ v: number }>('SELECT schema_version AS v FROM mirror_state');
  if (version.rows[0]?.v === MIRROR_SCHEMA_VERSION) return 'current';
  await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  return 'missing';
}

/** A mirror from before the per-action counts gets them, counted once from its events (one index-only pass). */
export async function ensureActionCounts(db: PGlite): Promise<void> {
  const exists = await db.query<{ found: boolean }>(
    "SELECT to_regclass('public.audit_action_counts') IS NOT NULL AS found",
  );
  if (exists.rows[0]?.found) return;
  await db.transaction(async (tx) => {
    await tx.exec(ACTION_COUNTS_TABLE);
    await tx.exec(
      'INSERT INTO audit_action_counts (action, n) SELECT action, count(*) FROM audit_events GROUP BY action',
    );
  });
}

/** A mirror (or template) from before the window gets its `held_after` column: it holds everything from the start. */
export async function ensureHeldAfter(db: PGlite): Promise<void> {
  await db.exec(`ALTER TABLE mirror_state ADD COLUMN IF NOT EXISTS ${HELD_AFTER_COLUMN}`);
}

/**
 * A new mirror folder starts as a copy of the template (template.ts), copied whole and then
 * renamed into place; should copying fail, PGlite sets the folder up itself.
 */
async function copyTemplate(templateDir: string, dataDir: string): Promise<void> {
  if (await pathExists(dataDir)) return;
  await ensurePrivateDir(dirname(dataDir))
    .then(() => madeWhole(dataDir, (copying) => cp(templateDir, copying, { recursive: true, errorOnExist: true })))
    .catch(() => undefined);
}

/**
 * Opens PGlite on `dataDir` (in memory when undefined) with the mirror's schema and settings; a
 * folder that does not exist yet starts as a copy of `templateDir` when there is one.
 */
export async function openStoreContext(
  dataDir: string | undefined,
  searchChunk: number,
  templateDir?: string,
): Promise<StoreContext> {
  if (dataDir && templateDir) await copyTemplate(templateDir, dataDir);
  // PGlite creates only the last folder of its path; on a first run none of them exists yet.
  if (dataDir) await ensurePrivateDir(dataDir);
  const cacheMb = cacheSizeFor(dataDir ? await directorySize(dataDir) : 0);
  const db = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    // A command-line setting, so the data directory's postgresql.conf stays as initdb wrote it.
    startParams: [...PGlite.defaultStartParams, ...PGLITE_SHARED_MEMORY, '-c', `shared_buffers=${cacheMb}MB`],
    initialMemory: heapBytesFor(cacheMb),
    extensions: { pg_trgm, pageinspect },
    // seq and counts are bigint; they fit in a JS number for any log this mirror will hold.
    parsers: { [INT8_OID]: (value: string) => Number(value) },
  });
  // A folder at the current version is opened as it is: no schema statements on the way to the first query.
  if ((await schemaState(db)) === 'missing') await db.exec(MIRROR_SCHEMA);
  else {
    await ensureActionCounts(db);
    await ensureHeldAfter(db);
  }
  // Index builds after a bulk sync sort the whole log: in memory, not in temporary files.
  await db.exec("SET maintenance_work_mem = '256MB'");
  return { db, chunks: await loadTextChunks(db, searchChunk), cacheMb, dataDir: dataDir ?? null };
}
