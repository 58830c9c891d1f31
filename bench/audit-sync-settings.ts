/** What the audit-sync part measures and against what targets: read by its measuring and its report. */

/** A fresh copy of the generated base for every run (see audit-data.ts). */
export const DATABASE = 'concierge_bench_audit_run';
export const INCREMENT = 1_000;
export const INCREMENTAL_RUNS = 5;
export const QUERY_RUNS = 20;
export const TARGET = {
  eventsPerSecond: 20_000,
  incrementalMs: 300,
  queryP95Ms: 50,
  loopDelayMaxMs: 50,
  /** A background re-verification pass over the million stored events. */
  reverifyMs: 60_000,
  /** The longest a viewer query may wait for a re-verification step. */
  reverifyWaitMs: 100,
  /** Signing a checkpoint, as a share of appending the 1,000 events it covers: below this, not measurable in writes. */
  signingSharePercent: 1,
};
/** A viewer query during the re-verification pass every this many milliseconds (spread over the range). */
export const REVERIFY_QUERY_GAP_MS = [1_000, 2_000] as const;
/** Runs of each viewer query alone, before the passes (their median is what a query takes without waiting). */
export const REVERIFY_ALONE_RUNS = 10;
