/** What the audit-scale part measures and against what targets: read by its measuring and its report. */

/** The two log sizes compared, each in a database of its own (kept, grown only when short). */
export const SIZES = [1_000_000, 10_000_000] as const;
/** Generated staff members (a 500-agent floor) and customers the events name. */
export const AGENTS = 500;
export const CUSTOMERS = 100_000;
/** Seconds between generated events: ten million span about a year. */
export const STEP_SECONDS = 3;
/** Events per generated batch (one transaction each). */
export const SEED_BATCH = 250_000;
export const DURATION_MS = 6_000;
export const WARMUP_MS = 1_000;
/** Measured runs of each log, in rounds; the report shows each measure's median run. */
export const RUNS = 3;
/** A mirror's page (GET /audit/events) and a viewer's page of search results (GET /audit/search). */
export const PAGE_LIMIT = 1_000;
export const SEARCH_LIMIT = 100;
/** At the larger size, append and page p95 within this factor of the smaller's; search p95 under the bound. */
export const GROWTH_LIMIT = 1.2;
export const SEARCH_TARGET_P95_MS = 50;
