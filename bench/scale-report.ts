import { ms, type LoadResult } from './load';
import { measuredAtText, renderTemplate } from './report';
import {
  AUDIT_PEEK_MS,
  CONSOLES,
  LEASE_RENEW_MS,
  LIVE_SESSIONS,
  SEARCH_CONCURRENCY,
  SEARCH_MS,
  SESSION_POLL_MS,
  SUPERVISORS,
  TARGET_CPU_RATIO,
  TARGET_SEARCH_P95_MS,
  TARGET_TOLD_P95_MS,
  TERMINATIONS,
  WINDOW_MS,
  WORKERS,
} from './scale-settings';

export type ScaleMode = 'poll' | 'stream';

export interface ScaleModeResult {
  /** CPU per console-minute over the window. */
  shopMs: number;
  postgresMs: number;
  /** What the simulated consoles sent over the whole run of the mode (not the window only). */
  requests: number;
  errors: number;
}

export interface ScaleReport {
  modes: Record<ScaleMode, ScaleModeResult>;
  /** The shop's processes' RSS before any console connected, and with every stream open. */
  rssBeforeMb: number;
  rssStreamsMb: number;
  /** Terminate → the agent's console told, ms. */
  toldP50: number;
  toldP95: number;
  told: number;
  search: LoadResult | null;
  host: string;
  measuredAt: Date;
  seconds: number;
}

const MODE_LABEL: Record<ScaleMode, string> = {
  poll: 'polling (the console before the stream)',
  stream: 'event stream',
};

const met = (ok: boolean) => (ok ? 'met' : '**missed**');

export function renderScaleSection(report: ScaleReport): string {
  const total = (m: ScaleModeResult) => m.shopMs + m.postgresMs;
  const ratio = total(report.modes.stream) > 0 ? total(report.modes.poll) / total(report.modes.stream) : Number.NaN;
  const table = [
    '| consoles | shop CPU ms per console-minute | PostgreSQL CPU ms per console-minute | together | requests sent | errors |',
    '|---|---:|---:|---:|---:|---:|',
    ...(['poll', 'stream'] as const).map((mode) => {
      const m = report.modes[mode];
      return `| ${MODE_LABEL[mode]} | ${ms(m.shopMs)} | ${ms(m.postgresMs)} | ${ms(total(m))} | ${String(m.requests)} | ${String(m.errors)} |`;
    }),
  ].join('\n');
  const search = report.search;
  const targets = [
    `| terminate → agent's console told, p95 | ${ms(report.toldP95)} ms (p50 ${ms(report.toldP50)} ms, ${String(report.told)} of ${String(TERMINATIONS)} told) | ≤ ${String(TARGET_TOLD_P95_MS)} ms | ${met(report.told === TERMINATIONS && report.toldP95 <= TARGET_TOLD_P95_MS)} |`,
    `| CPU per console-minute, polling ÷ stream | ${ratio.toFixed(1)}× | ≥ ${String(TARGET_CPU_RATIO)}× | ${met(ratio >= TARGET_CPU_RATIO)} |`,
    search
      ? `| customer search p95 at c=${String(SEARCH_CONCURRENCY)}, streams open | ${ms(search.p95)} ms (p50 ${ms(search.p50)}, ${search.perSecond.toFixed(0)} req/s, ${String(search.errors)} errors) | ≤ ${String(TARGET_SEARCH_P95_MS)} ms | ${met(search.errors === 0 && search.p95 <= TARGET_SEARCH_P95_MS)} |`
      : `| customer search p95 at c=${String(SEARCH_CONCURRENCY)}, streams open | not measured | ≤ ${String(TARGET_SEARCH_P95_MS)} ms | **missed** |`,
    `| shop RSS (${String(WORKERS)} workers + primary) per 1,000 streams | ${ms(((report.rssStreamsMb - report.rssBeforeMb) * 1000) / CONSOLES)} MB (${ms(report.rssBeforeMb)} → ${ms(report.rssStreamsMb)} MB) | reported | – |`,
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
    terminations: String(TERMINATIONS),
    table,
    targets: ['| what | measured | target | |', '|---|---|---|---|', ...targets].join('\n'),
  });
}
