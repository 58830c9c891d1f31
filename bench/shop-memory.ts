import { MEMORY_PROBE_SIGNAL, memorySampleOf, type MemorySample } from '../shop/lib/memory-probe';
import type { ShopProcess } from './shop-process';

/** A shop's processes' memory together, MB: V8 heap in use and resident set, each right after a GC. */
export interface ShopMemory {
  heapMb: number;
  rssMb: number;
}

const MB = 1024 * 1024;
/** How long a process may take to collect and answer before the sample fails. */
const ANSWER_MS = 15_000;

/**
 * One sample: each process in turn collects its garbage and reports (shop/lib/memory-probe.ts;
 * the shop started with `memoryProbe`), summed. Fails if one does not answer or could not collect.
 */
export async function sampleShopMemory(shop: ShopProcess, pids: readonly number[]): Promise<ShopMemory> {
  const total = { heapMb: 0, rssMb: 0 };
  for (const pid of pids) {
    const sample = await askProcess(shop, pid);
    if (!sample.collected) throw new Error(`shop process ${String(pid)} has no gc(): start it with --expose-gc`);
    total.heapMb += sample.heapUsed / MB;
    total.rssMb += sample.rss / MB;
  }
  return total;
}

function askProcess(shop: ShopProcess, pid: number): Promise<MemorySample> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`shop process ${String(pid)} did not report its memory within ${String(ANSWER_MS)} ms`));
    }, ANSWER_MS);
    const stop = shop.onLine((line) => {
      const sample = memorySampleOf(line);
      if (sample?.pid !== pid) return;
      clearTimeout(timer);
      stop();
      resolve(sample);
    });
    process.kill(pid, MEMORY_PROBE_SIGNAL);
  });
}

/**
 * `count` samples `gapMs` apart and the median of each measure: one sample can still land on a
 * burst of requests in flight, the median of several does not.
 */
export async function medianShopMemory(
  shop: ShopProcess,
  pids: readonly number[],
  count: number,
  gapMs: number,
): Promise<ShopMemory> {
  const samples: ShopMemory[] = [];
  for (let i = 0; i < count; i += 1) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    samples.push(await sampleShopMemory(shop, pids));
  }
  return { heapMb: median(samples.map((s) => s.heapMb)), rssMb: median(samples.map((s) => s.rssMb)) };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
