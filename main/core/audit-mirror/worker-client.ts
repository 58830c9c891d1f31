/**
 * Starting the mirror's worker threads (worker.ts, in its 'store' or 'verifier' role) and
 * talking to them: numbered calls over postMessage, answered in any order.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { MirrorResponse, MirrorWorkerData, VerifierOps } from './protocol';

/** The worker's file in the build (out/main/), an electron-vite main input of that name. */
export const BUILT_WORKER_FILE = 'audit-mirror-worker.js';

export function defaultWorkerUrl(): URL {
  // A variable base keeps bundlers from treating this as an asset reference.
  const here = import.meta.url;
  return new URL(here.endsWith('.ts') ? './worker.ts' : `./${BUILT_WORKER_FILE}`, here);
}

/**
 * Starts the worker. A .ts worker (tests, tsx) needs tsx's loader inside the worker thread;
 * tsx only registers itself on the main thread, so a small bootstrap registers it first.
 */
export function startWorker(workerUrl: URL | string, data: MirrorWorkerData): Worker {
  const url =
    typeof workerUrl === 'string'
      ? workerUrl.startsWith('file:')
        ? new URL(workerUrl)
        : pathToFileURL(workerUrl)
      : workerUrl;
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData: data });
  const tsxApi = new URL('./esm/api/index.mjs', pathToFileURL(createRequire(import.meta.url).resolve('tsx')));
  const bootstrap = `import(${JSON.stringify(tsxApi.href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: data, execArgv: [] });
}

/** A call the worker answered with an error; `code` is the shop's refusal code, when the shop refused. */
export class WorkerCallError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'WorkerCallError';
  }
}

/** A message client for one worker: numbered calls, answered in any order. */
export function workerClient<Ops extends { [K in keyof Ops]: { args: unknown; result: unknown } }>(
  worker: Worker,
  name: string,
) {
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let failure: Error | null = null;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  worker.on('message', (response: MirrorResponse) => {
    const call = pending.get(response.id);
    if (!call) return;
    pending.delete(response.id);
    if (response.ok) call.resolve(response.result);
    else call.reject(new WorkerCallError(response.error.message, response.error.code ?? null));
  });
  worker.on('error', (error) => {
    failAll(new Error(`The audit mirror's ${name} failed: ${error.message}`));
  });
  worker.on('exit', () => {
    failAll(new Error(`The audit mirror's ${name} has stopped.`));
  });
  /** Posts a call; its id lets a later call refer to it (cancel). */
  const send = <K extends keyof Ops & string>(
    op: K,
    args: Ops[K]['args'],
    transfer: ArrayBuffer[] = [],
  ): { id: number; result: Promise<Ops[K]['result']> } => {
    const id = nextId++;
    if (failure) return { id, result: Promise.reject(failure) };
    const result = new Promise<Ops[K]['result']>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, op, args }, transfer);
    });
    return { id, result };
  };
  return {
    failed: () => failure !== null,
    send,
    call: <K extends keyof Ops & string>(
      op: K,
      args: Ops[K]['args'],
      transfer: ArrayBuffer[] = [],
    ): Promise<Ops[K]['result']> => send(op, args, transfer).result,
  };
}

export type WorkerClient<Ops extends { [K in keyof Ops]: { args: unknown; result: unknown } }> = ReturnType<
  typeof workerClient<Ops>
>;

export interface VerifierThread {
  /** The verifier's client; a thread that failed is replaced here, so the next page gets a working one. */
  client(): WorkerClient<VerifierOps>;
  /** Asks the thread to close, then terminates it. */
  close(): Promise<void>;
}

/**
 * The verifier thread starts with the store (a sync should not wait for it to load) and stays
 * for the mirror's life; one that failed is replaced at the next page.
 */
export function verifierThread(workerUrl: URL | string, shop: { shopUrl: string; timeoutMs?: number }): VerifierThread {
  let worker: Worker | null = null;
  let client: WorkerClient<VerifierOps> | null = null;
  const current = () => {
    if (!client || client.failed()) {
      void worker?.terminate();
      worker = startWorker(workerUrl, { role: 'verifier', shopUrl: shop.shopUrl, timeoutMs: shop.timeoutMs ?? null });
      client = workerClient<VerifierOps>(worker, 'verifier');
    }
    return client;
  };
  current();
  return {
    client: current,
    close: async () => {
      if (client && !client.failed()) await client.call('close', {}).catch(() => undefined);
      await worker?.terminate();
    },
  };
}
