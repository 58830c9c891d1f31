import type { FilterIndexName } from './schema';
import { MB, type StoreContext } from './store-context';
import { chunkName, newestFirst } from './text-chunks';

/** At most this many blocks (8 MB) are read into the cache in one background step. */
const WARM_STEP_PAGES = 1024;
/** The share of the cache the warm-up fills, leaving room for what queries read besides. */
const WARM_SHARE = 0.8;
const BLOCK_BYTES = 8192;
/** The primary key and the filter indexes, in the order they are read into the cache (see partsToWarm). */
const WARM_INDEXES: readonly ('audit_events_pkey' | FilterIndexName)[] = [
  'audit_events_pkey',
  'audit_events_action',
  'audit_events_actor',
  'audit_events_at',
  'audit_events_session',
  'audit_events_customer',
];

/** Blocks `from` up to `to` of a relation, read into the cache in one step. */
export interface WarmPart {
  name: string;
  from: number;
  to: number;
}

/**
 * What queries read, in the order the viewer needs it, while it fits in WARM_SHARE of the
 * cache: each text chunk's trigram index and text (newest first: free text reads both and
 * the events behind them are the ones looked at most), then the primary key (every page of
 * results is read through it), then the filter indexes, the action's first (the viewer's
 * action list). A relation that does not fit is left out and smaller ones after it still
 * come. The events themselves are read as queries ask for them. Each relation is read in
 * parts of WARM_STEP_PAGES, so a query never waits behind more than one part.
 */
export async function partsToWarm({ db, chunks, cacheMb }: StoreContext): Promise<WarmPart[]> {
  const wanted = [
    ...newestFirst(chunks).flatMap((k) => [...(chunks.indexed.has(k) ? [`${chunkName(k)}_trgm`] : []), chunkName(k)]),
    ...WARM_INDEXES,
  ];
  const sizes = await db.query<{ pages: number | null }>(
    'SELECT (pg_relation_size(to_regclass(r)) / 8192)::int AS pages FROM unnest($1::text[]) WITH ORDINALITY AS t(r, i) ORDER BY i',
    [wanted],
  );
  let budget = Math.floor((cacheMb * MB * WARM_SHARE) / BLOCK_BYTES);
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
      // Through the buffer manager, block by block, as pg_prewarm would (PGlite has no pg_prewarm).
      if (next)
        await ctx.db.query(
          'SELECT count(get_raw_page($1, b::int))::int AS n FROM generate_series($2::int, $3::int - 1) AS b',
          [next.name, next.from, next.to],
        );
      return { done: queue.length === 0 };
    },
  };
}
