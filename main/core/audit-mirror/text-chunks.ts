import type { Queryable } from './store-state';

/**
 * The partitions of audit_search ("text chunks", `size` events each) that exist, and those
 * with their trigram index. Ingest adds chunks as events arrive, the search index marks them
 * indexed, and queries and the cache warm-up read both.
 */
export interface TextChunks {
  /** Events per chunk (SEARCH_CHUNK unless a test asks for smaller ones). */
  readonly size: number;
  readonly all: Set<number>;
  readonly indexed: Set<number>;
}

const CHUNK_PREFIX = 'audit_search_c';

/** The table of chunk `k`; its trigram index is `${chunkName(k)}_trgm`. */
export const chunkName = (k: number): string => `${CHUNK_PREFIX}${k}`;

/** The chunks, newest first (the order queries and the warm-up want them in). */
export const newestFirst = (chunks: TextChunks): number[] => [...chunks.all].sort((a, b) => b - a);

/** The chunks without their trigram index, oldest first (the order they are indexed in). */
export const unindexedOldestFirst = (chunks: TextChunks): number[] =>
  [...chunks.all].filter((k) => !chunks.indexed.has(k)).sort((a, b) => a - b);

/** The chunks a store holds, as the catalog lists them. */
export async function loadTextChunks(db: Queryable, size: number): Promise<TextChunks> {
  const chunks: TextChunks = { size, all: new Set(), indexed: new Set() };
  const found = await db.query<{ name: string; indexed: boolean }>(
    `SELECT c.relname AS name, EXISTS (SELECT 1 FROM pg_indexes i WHERE i.tablename = c.relname AND i.indexname = c.relname || '_trgm') AS indexed
     FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = 'audit_search'::regclass`,
  );
  for (const row of found.rows) {
    const k = Number(row.name.slice(CHUNK_PREFIX.length));
    chunks.all.add(k);
    if (row.indexed) chunks.indexed.add(k);
  }
  return chunks;
}
