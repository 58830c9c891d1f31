import type { CpuUse } from './cpu-time';
import { ms, type LoadResult } from './load';
import type { SchedulingPolicy } from './pg-scheduling';
import { measuredAtText, renderTemplate } from './report';
import { API_WAY, CONCURRENCY, CUSTOMERS, DURATION_MS, RUNS, TARGET_P95_MS, WARMUP_MS } from './search-settings';

/** One row of the search table: a query, the way it was run, and what it measured. */
export interface SearchRow {
  label: string;
  q: string;
  way: string;
  result: LoadResult;
  cpu?: CpuUse | null;
  runP95?: number[];
  policy?: SchedulingPolicy | 'as found';
}

export interface SearchReport {
  rows: SearchRow[];
  /** machine() at the start. */
  host: string;
  measuredAt: Date;
  /** The whole part's wall-clock time, seeding included. */
  seconds: number;
  withWrk: boolean;
  databaseUrl: string;
}

export const pct = (share: number) => `${(100 * share).toFixed(0)} %`;

function resultsTable(rows: SearchRow[]): string {
  return [
    '| query | path | PostgreSQL scheduling | p50 ms | p95 ms | p99 ms | req/s | requests | errors | p95 of each run, ms |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.label} \`${r.q}\` | ${r.way} | ${r.policy ?? '–'} | ${ms(r.result.p50)} | ${ms(r.result.p95)} | ${ms(r.result.p99)} | ${r.result.perSecond.toFixed(0)} | ${r.result.requests} | ${r.result.errors} | ${r.runP95 ? r.runP95.map(ms).join(', ') : '–'} |`,
    ),
  ].join('\n');
}

/** Where the API rows' CPU went, when /proc could tell (Linux, wrk); empty when it could not. */
function cpuSection(api: SearchRow[]): string {
  const measured = api.filter((r): r is SearchRow & { cpu: CpuUse } => Boolean(r.cpu));
  if (measured.length === 0) return '';
  const table = [
    '| query | PostgreSQL scheduling | shop CPU ms/request | PostgreSQL CPU ms/request | cores busy | idle | steal |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...measured.map(
      (r) =>
        `| ${r.label} \`${r.q}\` | ${r.policy ?? '–'} | ${ms(r.cpu.processMs)} | ${ms(r.cpu.postgresMs)} | ${pct(r.cpu.busy)} | ${pct(r.cpu.idle)} | ${pct(r.cpu.steal)} |`,
    ),
  ].join('\n');
  return `${renderTemplate('search.cpu', { table })}\n\n`;
}

/** One sentence per PostgreSQL scheduling policy: did every API query meet the target under it. */
function verdicts(api: SearchRow[]): string {
  const policies = [...new Set(api.map((r) => r.policy))];
  return policies
    .map((policy) => {
      const worst = Math.max(...api.filter((r) => r.policy === policy).map((r) => r.result.p95));
      const under =
        policy === 'as found' || policy === undefined
          ? 'With PostgreSQL scheduled as this machine runs it'
          : `With PostgreSQL at ${policy} scheduling`;
      return worst <= TARGET_P95_MS
        ? `${under}, every API query met the target (p95 ≤ ${TARGET_P95_MS} ms at concurrency ${CONCURRENCY}); the worst p95 was ${ms(worst)} ms.`
        : `${under}, the worst API p95 was ${ms(worst)} ms, above the ${TARGET_P95_MS} ms target.`;
    })
    .join(' ');
}

/** The "Customer search" section of docs/PERFORMANCE.md: bench/templates/search*.md filled with the results. */
export function renderSearchSection(r: SearchReport): string {
  const api = r.rows.filter((row) => row.way === API_WAY);
  return renderTemplate('search', {
    measuredAt: measuredAtText(r.measuredAt),
    seconds: r.seconds.toFixed(0),
    machine: r.host,
    customers: CUSTOMERS.toLocaleString('en-US'),
    concurrency: String(CONCURRENCY),
    durationSeconds: String(DURATION_MS / 1000),
    warmupSeconds: String(WARMUP_MS / 1000),
    runs: String(RUNS),
    loadGenerator: r.withWrk
      ? `they come from \`wrk\` (${CONCURRENCY} connections, one thread), a C load generator in its own process`
      : 'they come from Node.js `fetch` loops in the benchmark process (`wrk` was not installed: `apt-get install wrk` measures with less load-generator CPU on the same cores)',
    databasePath: r.databaseUrl.includes('host=%2F')
      ? 'its Unix socket, as a shop on the database host would'
      : 'the URL given in BENCH_DATABASE_URL',
    policies: renderTemplate(
      api.some((row) => row.policy === 'batch') ? 'search.policies-switched' : 'search.policies-as-found',
    ),
    table: resultsTable(r.rows),
    cpuSection: cpuSection(api),
    verdicts: verdicts(api),
  });
}
