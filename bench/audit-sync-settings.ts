/** What the audit-sync part measures and against what targets: read by its measuring and its report. */

/** A fresh copy of the generated base for every run (see audit-data.ts). */
export const DATABASE = 'concierge_bench_audit_run';
export const INCREMENT = 1_000;
export const INCREMENTAL_RUNS = 5;
export const QUERY_RUNS = 20;
export const TARGET = { eventsPerSecond: 20_000, incrementalMs: 300, queryP95Ms: 50, loopDelayMaxMs: 50 };
