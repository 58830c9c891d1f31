import type { AuditScaleReport } from './audit-scale-report';
import type { AuditSyncReport } from './audit-sync-report';
import type { AuditResults, ConsoleUiReport } from './console-ui-report';
import type { ScaleReport } from './scale-report';
import type { SearchReport } from './search-report';
import type { StartupReport } from './startup-report';

/**
 * Fixed benchmark results for bench/sections.test.ts: each case renders a section whose expected
 * text (bench/expected/<case>.txt) was captured from the report code before it moved into templates.
 */

export const MEASURED_AT = new Date('2025-03-14T09:26:53.000Z');
export const HOST =
  'AMD EPYC 7B13, 2 cores, 7.8 GiB RAM, Node v22.13.1; load average at start 0.4 / 0.7 / 1.2 (1/5/15 min)';

const load = (p50: number, p95: number, p99: number, perSecond: number, requests: number, errors = 0) => ({
  requests,
  errors,
  seconds: 10,
  p50,
  p95,
  p99,
  perSecond,
});

const API = 'API (GET /customers)';
const SQL = 'search SQL only, 1 client';
const NAIVE = "naive SQL `ILIKE '%q%'`";

/** wrk, the local server over its socket, both scheduling policies, CPU from /proc. */
export const searchWithWrk: SearchReport = {
  host: HOST,
  measuredAt: MEASURED_AT,
  seconds: 1234.4,
  withWrk: true,
  databaseUrl: 'postgres://concierge@/concierge_bench?host=%2Ftmp',
  rows: [
    {
      label: 'name fragment',
      q: 'ilso',
      way: API,
      policy: 'normal',
      result: load(6.391, 12.25, 14.9, 2384.4, 23849),
      cpu: { processMs: 0.412, postgresMs: 0.318, busy: 0.934, idle: 0.061, steal: 0.005 },
      runP95: [11.2, 12.25, 9.75],
    },
    {
      label: 'name fragment',
      q: 'ilso',
      way: API,
      policy: 'batch',
      result: load(5.9, 8.14, 10.1, 2717.2, 27181),
      cpu: { processMs: 0.399, postgresMs: 0.301, busy: 0.981, idle: 0.019, steal: 0 },
      runP95: [8.23, 8.14, 7.61],
    },
    {
      label: 'email prefix',
      q: 'mary.smi',
      way: API,
      policy: 'normal',
      result: load(5.57, 7.87, 9.37, 2859, 28606, 2),
      cpu: null,
      runP95: [7.87, 8.97, 7.44],
    },
    {
      label: 'email prefix',
      q: 'mary.smi',
      way: API,
      policy: 'batch',
      result: load(4.29, 7.17, 8.74, 3344.6, 33484),
      cpu: { processMs: 0.35, postgresMs: 0.27, busy: 0.97, idle: 0.025, steal: 0.005 },
      runP95: [6.33, 7.17, 7.78],
    },
    { label: 'name fragment', q: 'ilso', way: SQL, result: load(0.65, 0.93, 2.48, 1428.1, 4286) },
    { label: 'email prefix', q: 'mary.smi', way: SQL, result: load(0.52, 0.73, 1.05, 1834.9, 5505) },
    { label: 'name fragment', q: 'ilso', way: NAIVE, result: load(1490.3, 2210.7, 2250, 10.2, 102) },
    {
      label: 'email prefix',
      q: 'mary.smi',
      way: NAIVE,
      result: load(Number.NaN, Number.NaN, Number.NaN, 0, 0, 16),
    },
  ],
};

/** fetch loops, a server named by BENCH_DATABASE_URL, the policy left as found, no CPU figures. */
export const searchWithoutWrk: SearchReport = {
  host: HOST,
  measuredAt: MEASURED_AT,
  seconds: 98.6,
  withWrk: false,
  databaseUrl: 'postgres://bench:secret@db.example:5432/concierge_bench',
  rows: [
    {
      label: 'order number',
      q: 'O-10012346',
      way: API,
      policy: 'as found',
      result: load(2.62, 4.04, 5.65, 5765.3, 57797),
      cpu: null,
      runP95: [4.03, 4.04, 4.48],
    },
    {
      label: 'name fragment',
      q: 'ilso',
      way: API,
      policy: 'as found',
      result: load(16.2, 31.5, 40.25, 710.8, 7112),
      cpu: null,
      runP95: [31.5, 29.9, 33.1],
    },
    { label: 'order number', q: 'O-10012346', way: SQL, result: load(0.21, 0.3, 0.44, 4100, 12300) },
    { label: 'order number', q: 'O-10012346', way: NAIVE, result: load(95.5, 130.25, 140, 160.7, 1607) },
  ],
};

const query = (label: string, p50: number, p95: number, max: number, totals: number[]) => ({
  label,
  p50,
  p95,
  max,
  totals,
});

/** Every target met, CPU read from /proc, the chain verified. */
export const auditSyncMet: AuditSyncReport = {
  host: HOST,
  measuredAt: MEASURED_AT,
  seconds: 512.7,
  results: {
    total: 1_000_000,
    fullSyncMs: 31_250.4,
    workerStartMs: 412.6,
    searchIndexMs: 18_420,
    firstQueryMs: 84.21,
    catchUpText: [120.5, 95.25, 8.4, 7.9, 6.1],
    maintainedMs: 9_870,
    loopDelayMaxMs: 21.4,
    loopDelayP99Ms: 11.02,
    cpu: { console: 41.6, shop: 29.2 },
    loadDuringSync: '1.9 / 1.4 / 1.1',
    incrementalMs: [180.2, 152.7, 140.33, 201.5, 160],
    queries: [
      query('staff', 1.21, 3.4, 5.02, [10_000, 10_000, 10_000]),
      query('customer', 0.82, 1.4, 2.2, [8, 12, 10]),
      query('text, rare (order number)', 3.3, 12.6, 14.9, [0, 1, 2]),
      query('staff + action group + time', 2.4, 4.8, 6.7, [120, 1_540, 300]),
    ],
    verification: 'ok, 1,005,000 events checked',
    checkpoints: { state: 'verified', verified: 1005, compared: 1005 },
    signatureMs: 1.42,
    appendMs: [412, 398, 405, 420, 401],
    warmMs: 7_350,
    reverify: {
      events: 1_005_000,
      passMs: 38_420.5,
      problem: null,
      passWithQueriesMs: 44_100,
      queries: 29,
      longestWaitMs: 41.3,
      waitP95Ms: 33.9,
      aloneMs: 1.8,
    },
  },
};

/** Targets missed, no CPU figures, the chain broken. */
export const auditSyncMissed: AuditSyncReport = {
  host: HOST,
  measuredAt: MEASURED_AT,
  seconds: 1801.2,
  results: {
    total: 250_000,
    fullSyncMs: 20_000,
    workerStartMs: 1_530.5,
    searchIndexMs: 61_000,
    firstQueryMs: 1_250.75,
    catchUpText: [2_400, 1_900.5],
    maintainedMs: 40_210,
    loopDelayMaxMs: 75.5,
    loopDelayP99Ms: 52.1,
    cpu: null,
    loadDuringSync: '3.2 / 2.8 / 2.0',
    incrementalMs: [450, 380.5, 520.25],
    queries: [
      query('action group', 12.5, 66.2, 90.1, [10_000, 10_000]),
      query('text, common (staff name)', Number.NaN, Number.NaN, 140.2, [5_000, 10_000]),
    ],
    verification: 'FAILED at seq 4711',
    checkpoints: { state: 'rewritten', verified: 4, compared: 4 },
    signatureMs: 9.5,
    appendMs: [640, 655, 700],
    warmMs: 12_400,
    reverify: {
      events: 4_710,
      passMs: 72_000,
      problem: 'seq 4711: hash_mismatch',
      passWithQueriesMs: 80_250,
      queries: 52,
      longestWaitMs: 180.4,
      waitP95Ms: 95.2,
      aloneMs: 2.5,
    },
  },
};

const sample = (
  total: number,
  toRequest: number,
  afterRequest: number,
  roundTrip: number,
  shop: number,
  toPaint: number,
) => ({ total, toRequest, afterRequest, roundTrip, shop, toPaint });

const fast = {
  queries: 36,
  samples: [
    sample(48.2, 6.1, 42.1, 30.5, 12.2, 11.6),
    sample(52.7, 5.8, 46.9, 33.4, 14.8, 13.5),
    sample(61.3, 7.2, 54.1, 40.2, 19.9, 13.9),
    sample(44.9, 4.9, 40, 29.1, Number.NaN, 10.9),
    sample(97.4, 8.8, 88.6, 71.3, 45.1, 17.3),
    sample(130.2, 9.5, 120.7, 101.9, 60.4, 18.8),
  ],
};

const slow = {
  queries: 12,
  samples: [
    sample(180.5, 9.1, 171.4, 150.2, 90.5, 21.2),
    sample(240.8, 12.2, 228.6, 200.1, 130.4, 28.5),
    sample(Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN),
  ],
};

const stats = (p50: number, p95: number, max: number, n: number) => ({ p50, p95, max, n });
const none = stats(Number.NaN, Number.NaN, Number.NaN, 0);

const filters = [
  {
    label: 'action group',
    total: stats(85.2, 140.6, 180.3, 5),
    after: stats(80.1, 133.9, 171, 5),
    roundTrip: stats(60.2, 110.7, 150.4, 5),
    mirror: stats(41.9, 90.3, 120.8, 5),
    toShown: stats(18.4, 24.2, 30.1, 5),
  },
  {
    label: 'clear filters (first page cached)',
    total: stats(21.5, 30.2, 33.3, 5),
    after: none,
    roundTrip: none,
    mirror: none,
    toShown: none,
  },
];

/** The audit viewer after a full sync in this run. */
const freshAudit: AuditResults = {
  events: 1_005_000,
  syncSeconds: 412.6,
  settleSeconds: 95.4,
  openSeconds: 3.2,
  warmSeconds: 14.7,
  jumps: stats(120.4, 260.2, 410.9, 40),
  frames: stats(16.7, 18.2, 50.1, 239),
  blankFrames: 3,
  filters,
};

/** Search met its target; the audit mirror was filled by a full sync in this run. */
export const consoleUiFreshSync: ConsoleUiReport = {
  host: HOST,
  measuredAt: MEASURED_AT,
  seconds: 2710.4,
  search: fast,
  audit: freshAudit,
  auditFailure: '',
};

/** Search missed its target; the mirror of an earlier run was reused. */
export const consoleUiReused: ConsoleUiReport = {
  host: HOST,
  measuredAt: MEASURED_AT,
  seconds: 640.2,
  search: slow,
  audit: { ...freshAudit, syncSeconds: null, settleSeconds: null, openSeconds: 41.5, blankFrames: 0 },
  auditFailure: '',
};

/** The audit viewer part failed: the section says so, the search numbers stay. */
export const consoleUiAuditFailed: ConsoleUiReport = {
  host: HOST,
  measuredAt: MEASURED_AT,
  seconds: 300.9,
  search: fast,
  audit: null,
  auditFailure: 'filter "action group" showed no new result in 60 s (now: "Loading…")',
};

/** Every startup target met, against a previous release that missed them. */
export const startupMet: StartupReport = {
  host: HOST,
  measuredAt: MEASURED_AT,
  seconds: 412.3,
  commit: '7ac2363',
  otherRoot: null,
  previous: {
    commit: '5e4b166',
    measuredAt: '2025-03-10T08:00:00.000Z',
    rows: {
      signInPainted: 2410.5,
      auditFresh: 27_300,
      auditReused: 5120,
      mirrorOpen: 7900,
      rssIdle: 260.2,
      rssMirror: 812.4,
      rssSessions: 301.9,
    },
  },
  results: {
    auditEvents: 1_000_412,
    paint: [
      { addressMs: 780, paintedMs: 1120.4 },
      { addressMs: 760, paintedMs: 1098.2 },
      { addressMs: 801, paintedMs: 1190.7 },
      { addressMs: 755, paintedMs: 1080.1 },
      { addressMs: 790, paintedMs: 1301.6 },
    ],
    fresh: [
      { toSignedInMs: 6120.5, auditMs: 820.4, firstRowMs: 820.4, events: 34 },
      { toSignedInMs: 6010.2, auditMs: 760.9, firstRowMs: 760.9, events: 34 },
      { toSignedInMs: 6230.8, auditMs: 905.3, firstRowMs: 905.3, events: 34 },
    ],
    agentEvents: 34,
    prepared: null,
    reused: [
      { auditMs: 410.2, firstRowMs: 410.2, openMs: 610 },
      { auditMs: 388.7, firstRowMs: 388.7, openMs: 590.5 },
      { auditMs: 455.1, firstRowMs: 455.1, openMs: 640.2 },
    ],
    memory: {
      idle: { rssMb: 182.4, hwmMb: 201.7 },
      mirror: { rssMb: 512.9, hwmMb: 640.3 },
      sessions: { rssMb: 240.6, hwmMb: 251.2, opened: 5, refused: null, viewsRssMb: 1320.5 },
    },
    failures: [],
  },
};

/** Targets missed, a step failed, the 5th session refused, the mirror filled in this run; no previous release. */
export const startupMissed: StartupReport = {
  host: HOST,
  measuredAt: MEASURED_AT,
  seconds: 1503.9,
  commit: '7ac2363+changes',
  otherRoot: '/tmp/concierge-baseline',
  previous: null,
  results: {
    auditEvents: 1_000_000,
    paint: [
      { addressMs: 1900, paintedMs: 2410.4 },
      { addressMs: 1850, paintedMs: 2380.2 },
    ],
    fresh: [{ toSignedInMs: 7120.5, auditMs: null, firstRowMs: 15_480.2, events: 34 }],
    agentEvents: 34,
    prepared: { syncSeconds: 412.6, upkeepSeconds: 95.2 },
    reused: [
      { auditMs: 5120.2, firstRowMs: 5120.2, openMs: null },
      { auditMs: 4980.7, firstRowMs: 4980.7, openMs: null },
    ],
    memory: {
      idle: null,
      mirror: { rssMb: 812.9, hwmMb: 1040.3 },
      sessions: null,
    },
    failures: ['memory: agent idle and with storefront sessions: the launcher printed no address in 600 s'],
  },
};

const scaleRows = (searchP95: number): AuditScaleReport['rows'] => [
  {
    label: 'append (`appendAudit`)',
    target: 'growth',
    results: [load(0.9, 1.4, 2.1, 900, 9000), load(0.95, 1.5, 2.3, 880, 8800)],
    runP95: [
      [1.3, 1.4, 1.6],
      [1.5, 1.5, 1.7],
    ],
  },
  {
    label: 'pages of 1,000 in a row (`GET /audit/events`)',
    target: 'growth',
    results: [load(9, 12, 15, 90, 900), load(9.5, 13.1, 16, 88, 880)],
    runP95: [
      [11, 12, 14],
      [12.5, 13.1, 13.3],
    ],
  },
  {
    label: 'search: staff member + refused, first page',
    target: 'bound',
    results: [load(3, 5, 7, 250, 2500), load(4, searchP95, 70, 200, 2000)],
    runP95: [
      [5, 5, 6],
      [searchP95, searchP95, searchP95],
    ],
  },
];

/** Both logs measured, every target met. */
export const auditScaleMet: AuditScaleReport = {
  sizes: [1_004_211, 10_004_198],
  rows: scaleRows(8.2),
  host: HOST,
  measuredAt: MEASURED_AT,
  seconds: 812.3,
};

/** The search above its bound at ten million. */
export const auditScaleMissed: AuditScaleReport = { ...auditScaleMet, rows: scaleRows(61.5) };

/** The scale part: every target met; then ends not all told, slow, no search measured. */
export const scaleMet: ScaleReport = {
  modes: {
    base: { shopMs: 0.8, postgresMs: 0.6, requests: 1350, errors: 0 },
    poll: { shopMs: 8.7, postgresMs: 4.2, requests: 6860, errors: 0 },
    stream: { shopMs: 1.1, postgresMs: 0.9, requests: 2411, errors: 0 },
  },
  memory: {
    idle: { heapMb: 71.2, rssMb: 301.4 },
    half: { heapMb: 76.5, rssMb: 309.9 },
    all: { heapMb: 81.6, rssMb: 317.1 },
    halfStreams: 500,
    streams: 1000,
  },
  toldP50: 12,
  toldP95: 23,
  told: 50,
  search: { requests: 16_040, errors: 0, seconds: 10, p50: 4.1, p95: 8.9, p99: 12.2, perSecond: 1604 },
  searchRunsP95: [9.4, 8.9, 7.2],
  searchIdle: { requests: 17_020, errors: 0, seconds: 10, p50: 3.9, p95: 8.1, p99: 11.0, perSecond: 1702 },
  searchIdleRunsP95: [8.1],
  host: HOST,
  measuredAt: MEASURED_AT,
  seconds: 216,
};

export const scaleMissed: ScaleReport = {
  ...scaleMet,
  modes: { ...scaleMet.modes, stream: { shopMs: 3.7, postgresMs: 1.2, requests: 2411, errors: 3 } },
  told: 48,
  toldP95: 310,
  search: null,
  searchRunsP95: [],
  searchIdle: null,
  searchIdleRunsP95: [],
};
