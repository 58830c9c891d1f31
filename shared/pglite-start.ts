/**
 * The shared memory PGlite gets, added to its start parameters by the shop's database and the
 * console's audit mirror. PostgreSQL's default, an anonymous mmap, is zeroed page by page by
 * PGlite's runtime at start (~5 ms per MB of page cache on a 2-core machine: 1.6 s for the shop's
 * 128 MB, 2.1 s for a 256 MB mirror); as System V memory it is PGlite's fresh, already-zero heap,
 * touched only as pages are used (either opens in ~0.3–0.5 s). Measured in docs/PERFORMANCE.md.
 */
export const PGLITE_SHARED_MEMORY: readonly string[] = ['-c', 'shared_memory_type=sysv'];
