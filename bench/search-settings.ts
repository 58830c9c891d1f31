/** What the search part measures and against what target: read by its measuring and its report. */

export const CUSTOMERS = 1_000_000;
export const CONCURRENCY = 16;
export const DURATION_MS = 10_000;
export const WARMUP_MS = 2_000;
export const TARGET_P95_MS = 10;
/** Measured runs per API query; the report shows the median run. */
export const RUNS = 3;
/** The `way` of the rows that went through the shop's HTTP API. */
export const API_WAY = 'API (GET /customers)';
