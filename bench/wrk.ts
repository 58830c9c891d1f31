import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LoadResult } from './load';

const run = promisify(execFile);

/**
 * wrk's Lua hook for the numbers the report needs (its own summary has no p95). Latencies are
 * in microseconds; errors are every non-2xx answer and every socket error.
 */
const REPORT_SCRIPT = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_RESULT {"requests":%d,"errors":%d,"seconds":%f,"p50":%f,"p95":%f,"p99":%f}\\n',
    summary.requests, e.status + e.connect + e.read + e.write + e.timeout, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
`;

/** Whether the `wrk` HTTP load generator (Debian package `wrk`) is on the PATH. */
export async function hasWrk(): Promise<boolean> {
  try {
    await run('wrk', ['--version']);
    return true;
  } catch (error) {
    // wrk prints its version and exits 1; only a missing binary is ENOENT.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/**
 * Loads `url` from `connections` keep-alive connections with wrk, a separate C process, so the
 * load generator takes a sliver of the CPU a Node.js client would take from the server it measures.
 * A warm-up run of `warmupMs` is not counted.
 */
export async function runWrk(
  url: string,
  options: { connections: number; durationMs: number; warmupMs: number; headers: Record<string, string> },
): Promise<LoadResult> {
  const dir = await mkdtemp(join(tmpdir(), 'concierge-wrk-'));
  try {
    const script = join(dir, 'report.lua');
    await writeFile(script, REPORT_SCRIPT);
    const headers = Object.entries(options.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
    const args = (ms: number) => [
      '-t1',
      `-c${String(options.connections)}`,
      `-d${String(Math.max(1, Math.round(ms / 1000)))}s`,
      '-s',
      script,
      ...headers,
      url,
    ];
    if (options.warmupMs > 0) await run('wrk', args(options.warmupMs));
    const { stdout } = await run('wrk', args(options.durationMs));
    const line = stdout.split('\n').find((l) => l.startsWith('WRK_RESULT '));
    if (!line) throw new Error(`wrk printed no result:\n${stdout}`);
    const r = JSON.parse(line.slice('WRK_RESULT '.length)) as {
      requests: number;
      errors: number;
      seconds: number;
      p50: number;
      p95: number;
      p99: number;
    };
    // wrk counts failed answers among its requests; the report lists them apart, as runLoad does.
    const requests = r.requests - r.errors;
    return {
      requests,
      errors: r.errors,
      seconds: r.seconds,
      p50: r.p50,
      p95: r.p95,
      p99: r.p99,
      perSecond: requests / r.seconds,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
