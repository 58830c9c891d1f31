import { ms, type LoadResult } from './load';
import { measuredAtText, renderTemplate } from './report';
import {
  AGENTS,
  DURATION_MS,
  GROWTH_LIMIT,
  PAGE_LIMIT,
  RUNS,
  SEARCH_LIMIT,
  SEARCH_TARGET_P95_MS,
  WARMUP_MS,
} from './audit-scale-settings';

/** One measure at every size: growth rows must stay within GROWTH_LIMIT, bound rows under the search target. */
export interface AuditScaleRow {
  label: string;
  target: 'growth' | 'bound';
  /** The median run by p95, in the order of AuditScaleReport.sizes. */
  results: LoadResult[];
  /** Every run's p95, per size. */
  runP95: number[][];
}

export interface AuditScaleReport {
  /** The events each log held when measured. */
  sizes: number[];
  rows: AuditScaleRow[];
  /** machine() at the start. */
  host: string;
  measuredAt: Date;
  /** The whole part's wall-clock time, generating included. */
  seconds: number;
}

const count = (n: number) => n.toLocaleString('en-US');
const growth = (row: AuditScaleRow) => (row.results.at(-1)?.p95 ?? NaN) / (row.results[0]?.p95 ?? NaN);

function met(row: AuditScaleRow): boolean {
  return row.target === 'growth'
    ? growth(row) <= GROWTH_LIMIT
    : row.results.every((r) => r.p95 <= SEARCH_TARGET_P95_MS);
}

function table(r: AuditScaleReport): string {
  const sizes = r.sizes.map((size) => `${count(size)} events: p50 / p95 ms`);
  return [
    `| measure | ${sizes.join(' | ')} | p95 growth | target | met | p95 of each run, ms |`,
    `|---|${r.sizes.map(() => '---:|').join('')}---:|---|---|---|`,
    ...r.rows.map((row) => {
      const cells = row.results.map((x) => `${ms(x.p50)} / ${ms(x.p95)} (${count(x.requests)})`);
      const target =
        row.target === 'growth'
          ? `p95 within ${String(Math.round((GROWTH_LIMIT - 1) * 100))} % of the smallest log's`
          : `p95 ≤ ${String(SEARCH_TARGET_P95_MS)} ms`;
      const runs = row.runP95.map((p95s) => p95s.map(ms).join(', ')).join(' / ');
      return `| ${row.label} | ${cells.join(' | ')} | ×${growth(row).toFixed(2)} | ${target} | ${met(row) ? 'yes' : '**no**'} | ${runs} |`;
    }),
  ].join('\n');
}

/** The "Audit log at scale" section of docs/PERFORMANCE.md: bench/templates/audit-scale.md filled in. */
export function renderAuditScaleSection(r: AuditScaleReport): string {
  const missed = r.rows.filter((row) => !met(row)).map((row) => row.label);
  return renderTemplate('audit-scale', {
    measuredAt: measuredAtText(r.measuredAt),
    seconds: r.seconds.toFixed(0),
    machine: r.host,
    sizes: r.sizes.map(count).join(' and '),
    agents: count(AGENTS),
    durationSeconds: String(DURATION_MS / 1000),
    runs: String(RUNS),
    warmupSeconds: String(WARMUP_MS / 1000),
    pageLimit: count(PAGE_LIMIT),
    searchLimit: count(SEARCH_LIMIT),
    table: table(r),
    verdict: missed.length === 0 ? 'Every measure met its target.' : `Missed: ${missed.join('; ')}.`,
  });
}
