import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The product as a newcomer starts it: `npm start -- --browser` with the launcher's own defaults,
 * in a fresh HOME and data folder (ports are free ones, so journeys never meet a developer's
 * running copy). Everything the terminal shows is kept for the secret scan.
 */
export const projectRoot = resolve(import.meta.dirname, '../../..');

export interface Folders {
  /** The temporary folder holding both. */
  base: string;
  home: string;
  dataDir: string;
}

export interface RunningProduct {
  /** The address the launcher printed, token included. */
  consoleUrl: string;
  shopUrl: string;
  /** Everything printed so far (stdout and stderr of the launcher and its children). */
  terminal(): string;
  /** Waits for a line matching `pattern` printed after `from` characters of the terminal. */
  waitForLine(pattern: RegExp, from?: number, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Ctrl+C, as in a terminal: the launcher's process group gets SIGINT. */
  stop(): Promise<void>;
  /** kill -9 of the console process alone (the launcher sees it die). */
  killConsole(): void;
  /** kill -9 of the launcher and the console (the shop, its own process, lives on). */
  killHard(): void;
}

export async function freshFolders(name: string): Promise<Folders> {
  const base = await mkdtemp(join(tmpdir(), `concierge-journey-${name}-`));
  const folders = { base, home: join(base, 'home'), dataDir: join(base, 'data') };
  await mkdir(folders.home, { recursive: true });
  return folders;
}

/** Deletes a journey's folders once its product is stopped; CONCIERGE_KEEP_JOURNEY_DATA=1 keeps them to read the logs. */
export async function removeFolders(folders: Folders): Promise<void> {
  if (process.env.CONCIERGE_KEEP_JOURNEY_DATA === '1') {
    console.log(`journey data kept in ${folders.base}`);
    return;
  }
  await rm(folders.base, { recursive: true, force: true });
}

export { freePort } from '../../../main/test/free-port';

/** The console process the launcher starts: the built browser tier (main/browser-tier/cli.ts). */
const CONSOLE_ENTRY = 'out/main/browser-tier.js';

/** Process ids whose command line mentions `needle` (the journey's data folder is unique). */
export function pidsOf(entry: string, needle: string): number[] {
  const found = spawnSync('pgrep', ['-f', `${entry}.*${needle}`], { encoding: 'utf8' });
  return found.stdout
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => pid !== process.pid);
}

/** Signals a process group that may already be gone (a second stop, a stop after a kill). */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export interface LaunchArgs {
  folders: Folders;
  port: number;
  shopPort: number;
  /** Another journey's shop instead of a demo shop of this launcher's own. */
  shopUrl?: string;
}

export async function startProduct(args: LaunchArgs): Promise<RunningProduct> {
  const flags = [
    '--browser',
    '--data-dir',
    args.folders.dataDir,
    '--port',
    String(args.port),
    '--shop-port',
    String(args.shopPort),
  ];
  if (args.shopUrl) flags.push('--shop-url', args.shopUrl);
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: args.folders.home };
  delete env.CONCIERGE_DATA_DIR;
  const child: ChildProcess = spawn('npm', ['start', '--', ...flags], {
    cwd: projectRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<void>((done) =>
    child.once('exit', () => {
      done();
    }),
  );

  const waitForLine = async (pattern: RegExp, from = 0, timeoutMs = 180_000): Promise<RegExpExecArray> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(output.slice(from));
      if (match) return match;
      if (child.exitCode !== null)
        throw new Error(`npm start exited (${child.exitCode}) before printing ${String(pattern)}:\n${output}`);
      if (Date.now() > deadline)
        throw new Error(`npm start did not print ${String(pattern)} in ${timeoutMs} ms:\n${output}`);
      await sleep(100);
    }
  };
  const ready = await waitForLine(/Open this address in Chromium: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})/);
  const pid = child.pid ?? 0;
  return {
    consoleUrl: ready[1] ?? '',
    shopUrl: args.shopUrl ?? `http://127.0.0.1:${args.shopPort}`,
    terminal: () => output,
    waitForLine,
    async stop() {
      signalGroup(pid, 'SIGINT');
      await exited;
    },
    killConsole() {
      const found = pidsOf(CONSOLE_ENTRY, args.folders.dataDir);
      if (found.length === 0) throw new Error('no console process found');
      for (const console of found) process.kill(console, 'SIGKILL');
    },
    killHard() {
      // Frozen first, so the launcher neither restarts the console nor tells it to end its sessions.
      signalGroup(pid, 'SIGSTOP');
      for (const console of pidsOf(CONSOLE_ENTRY, args.folders.dataDir)) process.kill(console, 'SIGKILL');
      signalGroup(pid, 'SIGKILL');
    },
  };
}

/** Stops a demo shop a launcher left running (after killHard), so no journey leaves a process behind. */
export async function stopLeftoverShop(folders: Folders): Promise<void> {
  for (const pid of pidsOf('shop/cli.ts', folders.dataDir)) process.kill(pid, 'SIGTERM');
  for (let waited = 0; pidsOf('shop/cli.ts', folders.dataDir).length > 0; waited += 250) {
    if (waited > 20_000) throw new Error('the demo shop did not stop within 20 s of SIGTERM');
    await sleep(250);
  }
}
