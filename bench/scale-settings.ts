/** What the scale part measures and against what target: read by its measuring and its report. */

/** Consoles connected at once, of which the first SUPERVISORS read every session. */
export const CONSOLES = 1_000;
export const SUPERVISORS = 10;
/** Live sessions, one per agent console after the supervisors, each renewing its lease. */
export const LIVE_SESSIONS = 100;
/** Shop processes (`--workers`). */
export const WORKERS = 2;
/** The console's timers (main/core): lease renewal, session poll, live list, audit peek. */
export const LEASE_RENEW_MS = 20_000;
export const SESSION_POLL_MS = 3_000;
export const LIVE_LIST_MS = 3_000;
export const AUDIT_PEEK_MS = 30_000;
/** Each console searches once a minute. */
export const SEARCH_EVERY_MS = 60_000;
/** Settling after the consoles connect, then the window whose CPU is counted. */
export const WARMUP_MS = 15_000;
export const WINDOW_MS = 60_000;
/** Sessions a supervisor ends, one every TERMINATE_GAP_MS, each timed until its agent's console is told. */
export const TERMINATIONS = 50;
export const TERMINATE_GAP_MS = 400;
/** Customer search under load while the streams are connected. */
export const SEARCH_CONCURRENCY = 16;
export const SEARCH_MS = 10_000;
/** Runs of that search in a row; the report shows the run with the median p95. */
export const SEARCH_RUNS = 3;
/** Memory samples (each after a GC in every shop process) per measurement, and the pause between them. */
export const MEMORY_SAMPLES = 5;
export const MEMORY_SAMPLE_GAP_MS = 1_000;
/** How long newly connected streams settle before their memory is sampled. */
export const MEMORY_SETTLE_MS = 5_000;

export const TARGET_TOLD_P95_MS = 250;
export const TARGET_CPU_RATIO = 5;
export const TARGET_SEARCH_P95_MS = 10;
