import { ms, type LoadResult } from './load';
import { measuredAtText, renderTemplate } from './report';
import type { ShopMemory } from './shop-memory';
import {
  AUDIT_PEEK_MS,
  CONSOLES,
  LEASE_RENEW_MS,
  LIVE_SESSIONS,
  MEMORY_SAMPLE_GAP_MS,
  MEMORY_SAMPLES,
  MEMORY_SETTLE_MS,
  SEARCH_CONCURRENCY,
  SEARCH_MS,
  SEARCH_RUNS,
  SESSION_POLL_MS,
  SUPERVISORS,
  TARGET_CPU_RATIO,
  TARGET_SEARCH_P95_MS,
  TARGET_TOLD_P95_MS,
  TERMINATIONS,
  WINDOW_MS,
  WORKERS,
} from './scale-settings';

export type ScaleMode = 'base' | 'poll' | 'stream';

export interface ScaleModeResult {
  /** CPU per console-minute over the window. */
  shopMs: number;
  postgresMs: number;
  /** What the simulated consoles sent over the whole run of the mode (not the window only). */
  requests: number;
  errors: number;
}

/**
 * The shop's processes' memory together on a fresh shop, idle, with `halfStreams` streams open and
 * with `streams`; each the median of MEMORY_SAMPLES samples taken after a GC in every process.
 */
export interface ScaleMemory {
  idle: ShopMemory;
  half: ShopMemory;
  all: ShopMemory;
  halfStreams: number;
  streams: number;
}

export interface ScaleReport {
  modes: Record<ScaleMode, ScaleModeResult>;
  memory: ScaleMemory;
  /** Terminate → the agent's console told, ms. */
  toldP50: number;
  toldP95: number;
  told: number;
  /** The run with the median p95 of SEARCH_RUNS, and every run's p95. */
  search: LoadResult | null;
  searchRunsP95: number[];
  /** The same search on the same shop before any console connected. */
  searchIdle: LoadResult | null;
  searchIdleRunsP95: number[];
  host: string;
  measuredAt: Date;
  seconds: number;
}

const MODE_LABEL: Record<ScaleMode, string> = {
  base: 'lease renewals and searches alone (both modes below do these)',
  poll: 'polling (the console before the stream)',
  stream: 'event stream',
};

const met = (ok: boolean) => (ok ? 'met' : '**missed**');
const eachRun = (p95s: readonly number[]) =>
  p95s.length > 1 ? `; p95 of each run: ${p95s.map(ms).join(', ')} ms` : '';

/** What 1,000 streams add to the shop's heap or RSS: from idle to every stream, and over the second half alone. */
function memoryRow(what: string, memory: ScaleMemory, of: (m: ShopMemory) => number): string {
  const perThousand = (from: number, to: number, streams: number) => ms(((to - from) * 1000) / streams);
  const [idle, half, all] = [of(memory.idle), of(memory.half), of(memory.all)];
  const counts = [0, memory.halfStreams, memory.streams].map((n) => n.toLocaleString('en-US')).join(', ');
  return `| shop ${what} (${String(WORKERS)} workers + primary, after GC) per 1,000 streams | ${perThousand(idle, all, memory.streams)} MB (${ms(idle)} → ${ms(half)} → ${ms(all)} MB with ${counts} streams; the second ${memory.halfStreams.toLocaleString('en-US')} alone: ${perThousand(half, all, memory.streams - memory.halfStreams)} MB per 1,000) | reported | – |`;
}

export function renderScaleSection(report: ScaleReport): string {
  const total = (m: ScaleModeResult) => m.shopMs + m.postgresMs;
  const ratio = total(report.modes.stream) > 0 ? total(report.modes.poll) / total(report.modes.stream) : Number.NaN;
  const table = [
    '| consoles | shop CPU ms per console-minute | PostgreSQL CPU ms per console-minute | together | requests sent | errors |',
    '|---|---:|---:|---:|---:|---:|',
    ...(['base', 'poll', 'stream'] as const).map((mode) => {
      const m = report.modes[mode];
      return `| ${MODE_LABEL[mode]} | ${ms(m.shopMs)} | ${ms(m.postgresMs)} | ${ms(total(m))} | ${String(m.requests)} | ${String(m.errors)} |`;
    }),
  ].join('\n');
  const search = report.search;
  // The updates' own cost: each mode over the renewals and searches that both do alike.
  const own = (mode: 'poll' | 'stream') => total(report.modes[mode]) - total(report.modes.base);
  const ownRatio = own('stream') > 0 ? own('poll') / own('stream') : Number.NaN;
  const ownText = own('stream') > 0 ? `${ownRatio.toFixed(1)}×` : 'stream within noise of none';
  const idle = report.searchIdle;
  const targets = [
    `| terminate → agent's console told, p95 | ${ms(report.toldP95)} ms (p50 ${ms(report.toldP50)} ms, ${String(report.told)} of ${String(TERMINATIONS)} told) | ≤ ${String(TARGET_TOLD_P95_MS)} ms | ${met(report.told === TERMINATIONS && report.toldP95 <= TARGET_TOLD_P95_MS)} |`,
    `| CPU per console-minute, polling ÷ stream | ${ratio.toFixed(1)}× | ≥ ${String(TARGET_CPU_RATIO)}× | ${met(ratio >= TARGET_CPU_RATIO)} |`,
    `| the most polling ÷ stream could be if the stream cost nothing (polling ÷ the renewals and searches alone) | ${(total(report.modes.poll) / total(report.modes.base)).toFixed(1)}× | reported | – |`,
    `| the updates alone (each mode less the renewals and searches), polling ÷ stream | ${ownText} (${ms(own('poll'))} vs ${ms(own('stream'))} ms per console-minute) | reported | – |`,
    search
      ? `| customer search p95 at c=${String(SEARCH_CONCURRENCY)}, streams open | ${ms(search.p95)} ms (p50 ${ms(search.p50)}, ${search.perSecond.toFixed(0)} req/s, ${String(search.errors)} errors${eachRun(report.searchRunsP95)}) | ≤ ${String(TARGET_SEARCH_P95_MS)} ms | ${met(search.errors === 0 && search.p95 <= TARGET_SEARCH_P95_MS)} |`
      : `| customer search p95 at c=${String(SEARCH_CONCURRENCY)}, streams open | not measured | ≤ ${String(TARGET_SEARCH_P95_MS)} ms | **missed** |`,
    `| customer search p95 at c=${String(SEARCH_CONCURRENCY)}, same shop, no console connected | ${idle ? `${ms(idle.p95)} ms (p50 ${ms(idle.p50)}, ${idle.perSecond.toFixed(0)} req/s, ${String(idle.errors)} errors${eachRun(report.searchIdleRunsP95)})` : 'not measured'} | reported | – |`,
    memoryRow('heap', report.memory, (m) => m.heapMb),
    memoryRow('RSS', report.memory, (m) => m.rssMb),
  ];
  return renderTemplate('scale', {
    measuredAt: measuredAtText(report.measuredAt),
    seconds: report.seconds.toFixed(0),
    machine: report.host,
    consoles: CONSOLES.toLocaleString('en-US'),
    supervisors: String(SUPERVISORS),
    sessions: String(LIVE_SESSIONS),
    workers: String(WORKERS),
    leaseSeconds: String(LEASE_RENEW_MS / 1000),
    pollSeconds: String(SESSION_POLL_MS / 1000),
    peekSeconds: String(AUDIT_PEEK_MS / 1000),
    windowSeconds: String(WINDOW_MS / 1000),
    searchSeconds: String(SEARCH_MS / 1000),
    searchRuns: String(SEARCH_RUNS),
    terminations: String(TERMINATIONS),
    memorySamples: String(MEMORY_SAMPLES),
    memoryGapSeconds: String(MEMORY_SAMPLE_GAP_MS / 1000),
    memorySettleSeconds: String(MEMORY_SETTLE_MS / 1000),
    table,
    targets: ['| what | measured | target | |', '|---|---|---|---|', ...targets].join('\n'),
  });
}
