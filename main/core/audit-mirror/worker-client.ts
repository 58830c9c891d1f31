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
  /** The verifier's client, started when none is running; a thread that failed is replaced. */
  client(): WorkerClient<VerifierOps>;
  /** The sync using it has ended: the thread ends unless another sync asks for it within VERIFIER_REST_MS. */
  idle(): void;
  /** Asks the thread to close, then terminates it. */
  close(): Promise<void>;
}

/** How long an unused verifier thread stays (its heap is ~25 MB of an idle console's memory). */
export const VERIFIER_REST_MS = 5_000;

/** Asks a verifier to close (it answers once its requests are dropped), then terminates it. */
async function endVerifier(worker: Worker | null, client: WorkerClient<VerifierOps> | null): Promise<void> {
  if (client && !client.failed()) await client.call('close', {}).catch(() => undefined);
  await worker?.terminate();
}

/**
 * The verifier thread starts with the store (the first sync should not wait for it to load) and
 * rests between background syncs (30 s apart): starting another takes ~0.1 s, off the person's path.
 */
export function verifierThread(
  workerUrl: URL | string,
  shop: { shopUrl: string; timeoutMs?: number },
  restMs = VERIFIER_REST_MS,
): VerifierThread {
  let worker: Worker | null = null;
  let client: WorkerClient<VerifierOps> | null = null;
  let resting: NodeJS.Timeout | null = null;
  const stay = () => {
    if (resting) clearTimeout(resting);
    resting = null;
  };
  const end = () => {
    stay();
    const ending = endVerifier(worker, client);
    worker = null;
    client = null;
    return ending;
  };
  const current = () => {
    stay();
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
    idle: () => {
      stay();
      resting = setTimeout(() => void end(), restMs);
      resting.unref();
    },
    close: end,
  };
}
