import cluster, { type Worker } from 'node:cluster';
import { extname } from 'node:path';
import { createLogging, type Logger, type Logging } from '../main/core/logging';
import type { CliOptions } from './cli';
import type { Queryable } from './db/database';
import { prepareShop, startShop, StartError } from './main';

/** A store as the start banner lists it. */
export interface ShopStore {
  name: string;
  baseUrl: string;
}

export async function storesOf(db: Queryable, publicUrl: string): Promise<ShopStore[]> {
  const { rows } = await db.query<{ name: string; path_prefix: string }>(
    'SELECT name, path_prefix FROM stores ORDER BY code',
  );
  return rows.map((r) => ({ name: r.name, baseUrl: `${publicUrl}${r.path_prefix}/` }));
}

/** Ctrl+C or SIGTERM closes `close` once, then exits 0, or 1 when closing failed. */
export function stopOnSignals(close: () => Promise<void>, what: string): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!cluster.isWorker) console.log(`\n${signal}: stopping ${what}…`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Shutdown failed:', error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
}

/** What a worker tells the primary once it serves. */
interface ReadyMessage {
  type: 'ready';
  url: string;
  publicUrl: string;
}
const isReady = (message: unknown): message is ReadyMessage =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready';

/** `shop.log` → `shop.worker-2.log`: one rotating file per process, never two writers on one file. */
export function workerLogFile(file: string, workerId: number): string {
  const ext = extname(file);
  return `${file.slice(0, file.length - ext.length)}.worker-${String(workerId)}${ext}`;
}

/**
 * A worker process: serves the shop the primary prepared (no seeding here), on the port the
 * primary shares among its workers, and says so.
 */
export async function runWorker(options: CliOptions): Promise<void> {
  const id = cluster.worker?.id ?? 0;
  const shop = await startShop({
    ...options,
    seed: 'none',
    ...(options.logFile !== undefined ? { logFile: workerLogFile(options.logFile, id) } : {}),
  });
  const ready: ReadyMessage = { type: 'ready', url: shop.url, publicUrl: shop.publicUrl };
  process.send?.(ready);
  stopOnSignals(() => shop.close(), `shop worker ${String(id)}`);
}

/**
 * The primary of `--workers N`: prepares the database once (migrations, demo data, signing key),
 * forks N workers, prints the banner when all serve, restarts a worker that dies while the shop
 * runs, and on Ctrl+C or SIGTERM waits for every worker to close its shop.
 */
export async function runPrimary(
  options: CliOptions,
  deps: { onProgress: (message: string) => void; printReady: (url: string, stores: ShopStore[]) => void },
): Promise<void> {
  const prepared = await prepareShop({ ...options, onProgress: deps.onProgress });
  const logging = primaryLogging(options);
  const log = logging.logger('shop');
  let storesRead: ShopStore[] | null = null;
  const readStores = async (publicUrl: string) => (storesRead ??= await storesOf(prepared.db, publicUrl));
  const first = await startWorkers(options.workers).catch(async (error: unknown) => {
    await prepared.db.close();
    await logging.close();
    throw error;
  });
  deps.printReady(first.url, await readStores(first.publicUrl));
  await prepared.db.close();

  let stopping = false;
  let failed = false;
  // Node types say number and string; a worker killed by a signal has code null, and vice versa.
  cluster.on('exit', (worker, code: number | null, signal: string | null) => {
    if (code !== 0 && code !== null) failed = true;
    if (!stopping) {
      reportWorkerExit(log, { id: worker.id, pid: worker.process.pid }, code, signal);
      cluster.fork();
      return;
    }
    if (Object.keys(cluster.workers ?? {}).length === 0)
      // Every line in the file before exiting.
      void logging.close().finally(() => process.exit(failed ? 1 : 0));
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the shop's ${String(options.workers)} workers…`);
    // Ctrl+C reached the workers too; a SIGTERM sent to the primary alone is passed on.
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
}

/**
 * The primary's own log: `--log-file` as given (each worker writes `workerLogFile` beside it), and
 * warnings on the terminal unless `--quiet`.
 */
function primaryLogging(options: CliOptions): Logging {
  return createLogging({ file: options.logFile, terminal: !options.quiet, terminalLevel: 'warn' });
}

/** A worker died while the shop runs: at warn, on the terminal and in the primary's log file. */
export function reportWorkerExit(
  log: Logger,
  worker: { id: number; pid: number | undefined },
  code: number | null,
  signal: string | null,
): void {
  const message = `Shop worker ${String(worker.id)} exited (${signal ?? `code ${String(code)}`}); starting another.`;
  log.warn({ workerId: worker.id, workerPid: worker.pid ?? null, code, signal }, message);
}

/** Forks `count` workers and resolves with the first one's address once all serve; rejects if one dies first. */
function startWorkers(count: number): Promise<ReadyMessage> {
  return new Promise((resolve, reject) => {
    const ready: ReadyMessage[] = [];
    const starting = new Set<Worker>();
    const onExit = (worker: Worker, code: number | null, signal: string | null) => {
      if (!starting.has(worker)) return;
      cluster.off('exit', onExit);
      for (const other of starting) if (other !== worker) other.kill();
      reject(
        new StartError(
          `A shop worker stopped while starting (${signal ?? `code ${String(code)}`}); see its error above.`,
        ),
      );
    };
    cluster.on('exit', onExit);
    for (let i = 0; i < count; i += 1) {
      const worker = cluster.fork();
      starting.add(worker);
      worker.on('message', (message: unknown) => {
        if (!isReady(message) || !starting.delete(worker)) return;
        ready.push(message);
        if (starting.size > 0) return;
        cluster.off('exit', onExit);
        resolve(ready[0] ?? message);
      });
    }
  });
}
