import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MEMORY_PROBE_ENV } from '../shop/lib/memory-probe';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ShopProcess {
  url: string;
  child: ChildProcess;
  /** Calls `listener` with each later line of the shop's stdout (its workers' too); returns the way to stop. */
  onLine(listener: (line: string) => void): () => void;
}

export interface ShopProcessOptions {
  /**
   * Node's --expose-gc (the workers inherit it) and CONCIERGE_MEMORY_PROBE=1: SIGUSR2 then makes each
   * shop process collect garbage and print its memory (shop/lib/memory-probe.ts; see shop-memory.ts).
   */
  memoryProbe?: boolean;
}

/**
 * The shop CLI in its own process over `databaseUrl`, so the load generator does not share its event loop.
 * `port`: 0 picks a free one; a fixed port keeps the shop's origin (the startup part's reused mirror is named after it).
 */
export async function startShopProcess(
  databaseUrl: string,
  port = 0,
  extraArgs: string[] = [],
  options: ShopProcessOptions = {},
): Promise<ShopProcess> {
  // Its own signing key (kept between runs, like the bench databases), not the demo shop's.
  const keyFile = '.data/bench/audit-signing-key.json';
  const args = [...(options.memoryProbe ? ['--expose-gc'] : []), '--import', 'tsx', 'shop/cli.ts'];
  args.push('--port', String(port), '--seed', 'none', '--audit-key-file', keyFile, ...extraArgs);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, ...(options.memoryProbe ? { [MEMORY_PROBE_ENV]: '1' } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const listeners = new Set<(line: string) => void>();
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) for (const listener of listeners) listener(line);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const read = (line: string) => {
      output += `${line}\n`;
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match?.[1]) {
        listeners.delete(read);
        resolve(match[1]);
      }
    };
    listeners.add(read);
    child.once('exit', (code) => {
      reject(new Error(`the shop exited (${String(code)}) before listening:\n${output}${partial}`));
    });
  });
  return {
    url,
    child,
    onLine: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export async function stopShopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
