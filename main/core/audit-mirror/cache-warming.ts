import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { FilterIndexName } from './schema';
import { MB, type StoreContext } from './store-context';
import { chunkName, newestFirst } from './text-chunks';

/** At most this many blocks (8 MB) are read into the cache in one background step. */
const WARM_STEP_PAGES = 1024;
/** The share of the cache the warm-up fills, leaving room for what queries read besides. */
const WARM_SHARE = 0.8;
const BLOCK_BYTES = 8192;
/** PostgreSQL splits a relation into files of 1 GB: `<path>`, `<path>.1`, … */
const SEGMENT_BLOCKS = (1024 * MB) / BLOCK_BYTES;
/** How much of a file one read asks for when the OS reads it into its cache. */
const FILE_READ_BYTES = MB;
/** The primary key and the filter indexes, in the order they are read into the cache (see partsToWarm). */
const WARM_INDEXES: readonly ('audit_events_pkey' | FilterIndexName)[] = [
  'audit_events_pkey',
  'audit_events_action',
  'audit_events_actor',
  'audit_events_at',
  'audit_events_session',
  'audit_events_customer',
];

/**
 * Blocks `from` up to `to` of a relation, read in one step: into PostgreSQL's cache, or, for what
 * does not fit there, from its files (`path`, its first file) so that the operating system's cache holds them.
 */
export type WarmPart = { name: string; from: number; to: number } & (
  { into: 'cache' } | { into: 'files'; path: string }
);

/**
 * What queries read, in the order the viewer needs it: each text chunk's trigram index and text
 * (newest first: free text reads both and the events behind them are the ones looked at most),
 * then the primary key (every page of results is read through it), then the filter indexes,
 * the action's first (the viewer's action list), then the events themselves. What fits in
 * WARM_SHARE of the cache goes into it; a relation that does not fit is read from its files
 * instead (a mirror in a folder only), so that a query's scattered reads of it come from the
 * OS's cache rather than the disk (docs/PERFORMANCE.md, "Page cache"). Each relation is read in
 * parts of WARM_STEP_PAGES, so a query never waits behind more than one part.
 */
export async function partsToWarm({ db, chunks, cacheMb, dataDir }: StoreContext): Promise<WarmPart[]> {
  const wanted = [
    ...newestFirst(chunks).flatMap((k) => [...(chunks.indexed.has(k) ? [`${chunkName(k)}_trgm`] : []), chunkName(k)]),
    ...WARM_INDEXES,
    'audit_events',
  ];
  const sizes = await db.query<{ pages: number | null; path: string | null }>(
    `SELECT (pg_relation_size(to_regclass(r)) / 8192)::int AS pages, pg_relation_filepath(to_regclass(r)) AS path
       FROM unnest($1::text[]) WITH ORDINALITY AS t(r, i) ORDER BY i`,
    [wanted],
  );
  let budget = Math.floor((cacheMb * MB * WARM_SHARE) / BLOCK_BYTES);
  const parts: WarmPart[] = [];
  const later: WarmPart[] = [];
  for (const [i, name] of wanted.entries()) {
    // null: an index a bulk sync dropped and maintenance has not built again yet.
    const { pages = null, path = null } = sizes.rows[i] ?? {};
    if (pages === null) continue;
    const fits = pages <= budget;
    if (fits) budget -= pages;
    // What does not fit is read from its files: only a mirror in a folder has them.
    const file = fits || dataDir === null || path === null ? null : join(dataDir, path);
    if (!fits && file === null) continue;
    for (let from = 0; from < pages; from += WARM_STEP_PAGES) {
      const span = { name, from, to: Math.min(pages, from + WARM_STEP_PAGES) };
      if (file === null) parts.push({ ...span, into: 'cache' });
      else later.push({ ...span, into: 'files', path: file });
    }
  }
  return [...parts, ...later];
}

/** The file and byte range of each segment blocks `from` up to `to` of a relation lie in. */
export function segmentRanges(path: string, from: number, to: number): { file: string; start: number; end: number }[] {
  const ranges: { file: string; start: number; end: number }[] = [];
  for (let block = from; block < to;) {
    const segment = Math.floor(block / SEGMENT_BLOCKS);
    const last = Math.min(to, (segment + 1) * SEGMENT_BLOCKS);
    const base = segment * SEGMENT_BLOCKS;
    ranges.push({
      file: segment === 0 ? path : `${path}.${String(segment)}`,
      start: (block - base) * BLOCK_BYTES,
      end: (last - base) * BLOCK_BYTES,
    });
    block = last;
  }
  return ranges;
}

/** Reads a relation's blocks from its files and drops them: the OS's cache keeps them. */
async function readThroughFiles(part: Extract<WarmPart, { into: 'files' }>): Promise<void> {
  const buffer = Buffer.allocUnsafe(FILE_READ_BYTES);
  for (const range of segmentRanges(part.path, part.from, part.to)) {
    // A file a sync or maintenance has just replaced is simply not read.
    const file = await open(range.file, 'r').catch(() => null);
    if (!file) continue;
    try {
      for (let at = range.start; at < range.end; at += FILE_READ_BYTES) {
        const { bytesRead } = await file.read(buffer, 0, Math.min(FILE_READ_BYTES, range.end - at), at);
        if (bytesRead === 0) break;
      }
    } finally {
      await file.close();
    }
  }
}

export interface CacheWarming {
  /** Reads the next part into the cache (the first call lists the parts); see AuditStore.warmCache. */
  warmCache(): Promise<{ done: boolean }>;
  /** A new index exists: list the relations again before the next part. */
  readonly relist: () => void;
}

export function cacheWarming(ctx: StoreContext): CacheWarming {
  /** What warmCache has still to read; null until it lists it. */
  let queue: WarmPart[] | null = null;
  return {
    relist: () => {
      queue = null;
    },
    warmCache: async () => {
      if (queue === null) {
        queue = await partsToWarm(ctx);
        return { done: queue.length === 0 };
      }
      const next = queue.shift();
      if (next?.into === 'files') await readThroughFiles(next);
      // Through the buffer manager, block by block, as pg_prewarm would (PGlite has no pg_prewarm).
      else if (next)
        await ctx.db.query(
          'SELECT count(get_raw_page($1, b::int))::int AS n FROM generate_series($2::int, $3::int - 1) AS b',
          [next.name, next.from, next.to],
        );
      return { done: queue.length === 0 };
    },
  };
}
