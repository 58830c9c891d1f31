import { cpus, loadavg, totalmem } from 'node:os';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  p50: number;
  p95: number;
  p99: number;
  perSecond: number;
}

/**
 * Runs `request` from `concurrency` loops for `durationMs` (after `warmupMs` not counted) and
 * returns latency percentiles in milliseconds and throughput. A request that throws counts as an error.
 */
export async function runLoad(
  request: () => Promise<void>,
  options: { concurrency: number; durationMs: number; warmupMs: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  let stop = false;
  let lastDone = 0;
  // A request counts when it starts inside the window, however long it takes (slow baselines).
  const worker = async () => {
    while (!stop) {
      const counted = measuring;
      const start = performance.now();
      let failed = false;
      try {
        await request();
      } catch {
        failed = true;
      }
      if (!counted) continue;
      lastDone = performance.now();
      if (failed) errors += 1;
      else latencies.push(lastDone - start);
    }
  };
  // Without warm-up the very first requests count (a baseline slower than the window needs that).
  measuring = options.warmupMs === 0;
  const workers = Array.from({ length: options.concurrency }, worker);
  await sleep(options.warmupMs);
  measuring = true;
  const started = performance.now();
  await sleep(options.durationMs);
  measuring = false;
  stop = true;
  await Promise.all(workers);
  const seconds = (Math.max(lastDone, started + options.durationMs) - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    p99: percentile(latencies, 0.99),
    perSecond: latencies.length / seconds,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The machine a result was measured on, for the report. */
export function machine(): string {
  const cpu = cpus();
  const gib = (totalmem() / 1024 ** 3).toFixed(1);
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${gib} GiB RAM, Node ${process.version}; load average at start ${load} (1/5/15 min)`;
}

export const ms = (value: number) => (Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(2) : value.toFixed(1));

/** Of several runs of one measure, the run with the median p95 (a busy machine's tail moves from run to run). */
export function medianByP95<T>(runs: readonly T[], p95: (run: T) => number): T | undefined {
  return [...runs].sort((a, b) => p95(a) - p95(b))[Math.floor(runs.length / 2)];
}
