/** The startup part's runs, waits and targets: read by its measuring and its report. */

/** The rows of the startup table, in order. */
export const STARTUP_ROWS = [
  'signInPainted',
  'auditFresh',
  'auditReused',
  'mirrorOpen',
  'rssIdle',
  'rssMirror',
  'rssSessions',
] as const;
export type StartupRow = (typeof STARTUP_ROWS)[number];

export type RowUnit = 'ms' | 'MB';

/** Each row's unit and target (null: reported only). */
export const ROW_TARGETS: Record<StartupRow, { unit: RowUnit; target: number | null }> = {
  signInPainted: { unit: 'ms', target: 1500 },
  auditFresh: { unit: 'ms', target: 3000 },
  auditReused: { unit: 'ms', target: 1000 },
  mirrorOpen: { unit: 'ms', target: 1500 },
  rssIdle: { unit: 'MB', target: 300 },
  rssMirror: { unit: 'MB', target: 700 },
  rssSessions: { unit: 'MB', target: null },
};

/** The shop's fixed port: the console names its mirror folder after the shop's origin, so the reused mirror is found again. */
export const SHOP_PORT = 4391;
/** The 1,000,000-event audit database this part keeps (with the mirror synced from it) between runs. */
export const AUDIT_DATABASE = 'concierge_bench_startup';

export const PAINT_RUNS = 5;
export const FRESH_AUDIT_RUNS = 3;
export const REUSED_AUDIT_RUNS = 3;
export const TYPING_DELAY_MS = 70;
export const SESSIONS = 5;
/** Rest before reading the console's memory: after sign-in (idle), after the audit viewer's first page. */
export const IDLE_REST_MS = 10_000;
export const MIRROR_REST_MS = 20_000;

/** The longest a first audit page may take before the run is counted as not shown. */
export const AUDIT_TIMEOUT_MS = 240_000;
/** The preparation's full sync of the reused mirror, and its upkeep afterwards. */
export const PREPARE_TIMEOUT_MS = 15 * 60_000;
/** The mirror's upkeep counts as done when the console used less than this share of a core for UPKEEP_QUIET_MS. */
export const UPKEEP_QUIET_CPU = 0.05;
export const UPKEEP_QUIET_MS = 15_000;
