import {
  INCREMENT,
  INCREMENTAL_RUNS,
  QUERY_RUNS,
  REVERIFY_QUERY_GAP_MS,
  TARGET,
  DATABASE,
} from './audit-sync-settings';
import { ms } from './load';
import { measuredAtText, renderTemplate } from './report';

/** Re-verification of the stored events (audit-reverify.ts): a pass alone, and one with viewer queries during it. */
export interface ReverifyResults {
  /** Events the pass checked. */
  events: number;
  passMs: number;
  /** "seq N: problem" when the pass found one. */
  problem: string | null;
  passWithQueriesMs: number;
  queries: number;
  /** A query's wait: its time during the pass less the median of the same query alone. */
  longestWaitMs: number;
  waitP95Ms: number;
  /** The slower query's median alone. */
  aloneMs: number;
}

/** What one audit-sync run measured. */
export interface AuditSyncResults {
  total: number;
  fullSyncMs: number;
  workerStartMs: number;
  searchIndexMs: number;
  firstQueryMs: number;
  catchUpText: number[];
  maintainedMs: number;
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  cpu: { console: number; shop: number } | null;
  loadDuringSync: string;
  incrementalMs: number[];
  queries: { label: string; p50: number; p95: number; max: number; totals: number[] }[];
  verification: string;
  warmMs: number;
  reverify: ReverifyResults;
  /** The shop's signed checkpoints as the full sync left them: its signing status and counts. */
  checkpoints: { state: string; verified: number; compared: number };
  /** One checkpoint signature (the shop's signCheckpoint), median ms; the shop signs one per 1,000 events. */
  signatureMs: number;
  /** Appending INCREMENT events through the shop's append path, per run, ms. */
  appendMs: number[];
}

export interface AuditSyncReport {
  results: AuditSyncResults;
  /** machine() at the start. */
  host: string;
  measuredAt: Date;
  /** The whole part's wall-clock time. */
  seconds: number;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
const count = (n: number) => n.toLocaleString('en-US');

/** The four targets: the full sync's rate, an incremental sync, the worst filter query, the main thread's delay. */
function targetsTable(r: AuditSyncResults): string {
  const rate = r.total / (r.fullSyncMs / 1000);
  const incremental = percentile(r.incrementalMs, 0.5);
  const worstP95 = Math.max(...r.queries.map((q) => q.p95));
  return [
    '| measure | result | target | |',
    '|---|---:|---:|---|',
    `| full sync of ${count(r.total)} events | ${(r.fullSyncMs / 1000).toFixed(1)} s = **${count(Math.round(rate))} events/s** | ≥ ${count(TARGET.eventsPerSecond)}/s | ${verdict(rate >= TARGET.eventsPerSecond)} |`,
    `| incremental sync of ${count(INCREMENT)} new events (median of ${INCREMENTAL_RUNS}; all: ${r.incrementalMs.map((v) => ms(v)).join(', ')}) | **${ms(incremental)} ms** | < ${TARGET.incrementalMs} ms | ${verdict(incremental < TARGET.incrementalMs)} |`,
    `| filter queries, worst p95 of the kinds below | **${ms(worstP95)} ms** | p95 < ${TARGET.queryP95Ms} ms | ${verdict(worstP95 < TARGET.queryP95Ms)} |`,
    `| main-thread event-loop delay during the full sync (monitorEventLoopDelay) | max **${ms(r.loopDelayMaxMs)} ms**, p99 ${ms(r.loopDelayP99Ms)} ms | max < ${TARGET.loopDelayMaxMs} ms | ${verdict(r.loopDelayMaxMs < TARGET.loopDelayMaxMs)} |`,
    ...checkpointRows(r),
    ...reverifyRows(r.reverify),
  ].join('\n');
}

/** Checkpoint verification during the full sync, and what signing costs the writes. */
function checkpointRows(r: AuditSyncResults): string[] {
  const append = percentile(r.appendMs, 0.5);
  const share = (r.signatureMs / append) * 100;
  const rate = r.total / (r.fullSyncMs / 1000);
  return [
    `| signed checkpoints verified during that full sync (signature with the pinned key, and the event's hash at its seq) | **${count(r.checkpoints.verified)}** (${count(r.checkpoints.compared)} matched), ${r.checkpoints.state} | every one, at ≥ ${count(TARGET.eventsPerSecond)} events/s | ${verdict(r.checkpoints.state === 'verified' && r.checkpoints.verified > 0 && r.checkpoints.compared === r.checkpoints.verified && rate >= TARGET.eventsPerSecond)} |`,
    `| signing: one Ed25519 checkpoint per ${count(INCREMENT)} events, off the write path, vs appending ${count(INCREMENT)} events (median of ${r.appendMs.length}) | **${ms(r.signatureMs)} ms** vs ${ms(append)} ms = ${share.toFixed(2)} % | < ${TARGET.signingSharePercent} % | ${verdict(share < TARGET.signingSharePercent)} |`,
  ];
}

/** The re-verification targets: a pass's time, and the longest a viewer query waited for it. */
function reverifyRows(v: ReverifyResults): string[] {
  const seconds = v.passMs / 1000;
  return [
    `| background re-verification of ${count(v.events)} stored events ("Verify again", no queries) | **${seconds.toFixed(1)} s** | < ${TARGET.reverifyMs / 1000} s | ${verdict(v.passMs < TARGET.reverifyMs && v.problem === null)} |`,
    `| viewer queries during a second pass (${v.queries}, ${REVERIFY_QUERY_GAP_MS.map((g) => g / 1000).join('–')} s apart; wait = time − the same query's median alone, ≤ ${ms(v.aloneMs)} ms) | longest wait **${ms(v.longestWaitMs)} ms**, p95 ${ms(v.waitP95Ms)} ms | < ${TARGET.reverifyWaitMs} ms | ${verdict(v.longestWaitMs < TARGET.reverifyWaitMs)} |`,
  ];
}

/** The background upkeep after the full sync, and queries during it. */
function afterSyncTable(r: AuditSyncResults): string {
  return [
    '| after the full sync | result |',
    '|---|---:|',
    `| first filtered query (staff + action group), issued the moment the sync returned | ${ms(r.firstQueryMs)} ms |`,
    `| free text (a SKU) while the indexes catch up, ${r.catchUpText.length} queries | ${r.catchUpText.map((v) => ms(v)).join(', ')} ms |`,
    `| filter indexes rebuilt and statistics fresh (ANALYZE, VACUUM) | ${(r.maintainedMs / 1000).toFixed(1)} s |`,
    `| free-text trigram index built for every chunk | ${(r.searchIndexMs / 1000).toFixed(1)} s |`,
  ].join('\n');
}

function queriesTable(r: AuditSyncResults): string {
  return [
    '| filter | p50 ms | p95 ms | max ms | matches (capped at 10,000) |',
    '|---|---:|---:|---:|---:|',
    ...r.queries.map(
      (q) =>
        `| ${q.label} | ${ms(q.p50)} | ${ms(q.p95)} | ${ms(q.max)} | ${count(Math.min(...q.totals))}–${count(Math.max(...q.totals))} |`,
    ),
  ].join('\n');
}

/** The "Audit mirror" section of docs/PERFORMANCE.md: bench/templates/audit-sync.md filled with the results. */
export function renderAuditSyncSection({ results: r, host, measuredAt, seconds }: AuditSyncReport): string {
  return renderTemplate('audit-sync', {
    measuredAt: measuredAtText(measuredAt),
    seconds: seconds.toFixed(0),
    machine: host,
    database: DATABASE,
    events: count(r.total),
    targets: targetsTable(r),
    consoleCpu: r.cpu ? `${r.cpu.console.toFixed(0)} s` : '–',
    shopCpu: r.cpu ? `${r.cpu.shop.toFixed(0)} s` : '–',
    loadAverage: r.loadDuringSync,
    afterSync: afterSyncTable(r),
    workerStart: ms(r.workerStartMs),
    verification: r.verification,
    queryRuns: String(QUERY_RUNS),
    warmSeconds: (r.warmMs / 1000).toFixed(1),
    queries: queriesTable(r),
    reverifyResult: r.reverify.problem ? `**FAILED at ${r.reverify.problem}**` : 'nothing found wrong',
    reverifySecondPass: (r.reverify.passWithQueriesMs / 1000).toFixed(1),
  });
}
