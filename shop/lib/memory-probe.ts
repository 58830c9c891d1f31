import { z } from 'zod';

/** Set to `1` in a shop process's environment (the bench does) to turn the probe on; read once at start. */
export const MEMORY_PROBE_ENV = 'CONCIERGE_MEMORY_PROBE';
/** The signal that asks a probed process for a sample. */
export const MEMORY_PROBE_SIGNAL = 'SIGUSR2';
/** Each sample is one stdout line: this prefix, then a `MemorySample` as JSON. */
export const MEMORY_PROBE_PREFIX = 'concierge-memory ';

export const MemorySample = z.object({
  pid: z.number().int(),
  /** Whether garbage was collected first (false: node was started without --expose-gc). */
  collected: z.boolean(),
  heapUsed: z.number().nonnegative(),
  rss: z.number().nonnegative(),
  external: z.number().nonnegative(),
});
export type MemorySample = z.infer<typeof MemorySample>;

/**
 * For `npm run bench -- scale`: with CONCIERGE_MEMORY_PROBE=1 at start, SIGUSR2 makes this process
 * collect its garbage (`gc`, which node gives only with --expose-gc; a last-resort collection, which
 * also releases free pages) and print its memory as one stdout line, so a sample counts what is
 * alive, not what the collector has not reached or the heap still holds on to. No
 * route and no listener without the variable: a production shop has neither.
 */
export function installMemoryProbe(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[MEMORY_PROBE_ENV] !== '1') return false;
  process.on(MEMORY_PROBE_SIGNAL, () => {
    // The last-resort flavour also hands free pages back to the system: RSS then shows what is alive too.
    globalThis.gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    const usage = process.memoryUsage();
    const sample: MemorySample = {
      pid: process.pid,
      collected: globalThis.gc !== undefined,
      heapUsed: usage.heapUsed,
      rss: usage.rss,
      external: usage.external,
    };
    process.stdout.write(`${MEMORY_PROBE_PREFIX}${JSON.stringify(sample)}\n`);
  });
  return true;
}

/** The sample in a line of a probed process's stdout, or null for any other line. */
export function memorySampleOf(line: string): MemorySample | null {
  if (!line.startsWith(MEMORY_PROBE_PREFIX)) return null;
  try {
    const parsed = MemorySample.safeParse(JSON.parse(line.slice(MEMORY_PROBE_PREFIX.length)));
    return parsed.success ? parsed.data : null;
  } catch {
    // Not JSON (a line cut short): not a sample.
    return null;
  }
}
