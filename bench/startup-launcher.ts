import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The real launcher (`npm start -- --browser`'s entry, scripts/start.ts) as a person starts it,
 * in its own process group, and what the bench reads of its console process from /proc.
 */
export interface RunningLauncher {
  /** Date.now() just before the launcher was spawned. */
  spawnedAt: number;
  /** Date.now() when it printed the console's address. */
  addressAt: number;
  /** The address it printed, token included. */
  consoleUrl: string;
  /** The browser-tier console process (the launcher's child running the built main/browser-tier/cli.ts). */
  consolePid: number;
  output(): string;
  /** SIGINT to the launcher, as Ctrl+C; waits for it (and its console) to exit. */
  stop(): Promise<void>;
}

export interface LaunchSpec {
  /** The checkout whose launcher, build and renderer run. */
  root: string;
  dataDir: string;
  port: number;
  /** A running shop; null: the launcher starts its demo shop on shopPort. */
  shopUrl: string | null;
  shopPort: number;
  home: string;
}

const ADDRESS = /Open this address in Chromium: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/;
const STOP_TIMEOUT_MS = 30_000;

async function cmdline(pid: number): Promise<string[]> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return raw.split('\0');
}

async function parentOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The fields after the command's closing parenthesis: state, ppid, …
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? 0);
}

/** The processes whose parent is `pid`. */
export async function childrenOf(pid: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if ((await parentOf(Number(entry))) === pid) found.push(Number(entry));
  }
  return found;
}

async function consoleOf(launcherPid: number): Promise<number> {
  for (const pid of await childrenOf(launcherPid))
    // The built console (this checkout) or its sources through tsx (an older checkout's launcher).
    if (
      (await cmdline(pid)).some(
        (arg) => arg.endsWith(join('main', 'browser-tier.js')) || arg.endsWith(join('browser-tier', 'cli.ts')),
      )
    )
      return pid;
  throw new Error(`the launcher (pid ${launcherPid}) has no browser-tier console process`);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) =>
    child.once('exit', () => {
      done();
    }),
  );
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export async function startLauncher(spec: LaunchSpec, timeoutMs = 180_000): Promise<RunningLauncher> {
  const args = ['--import', 'tsx', 'scripts/start.ts', '--browser', '--port', String(spec.port)];
  args.push('--data-dir', spec.dataDir, '--shop-port', String(spec.shopPort));
  if (spec.shopUrl) args.push('--shop-url', spec.shopUrl);
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: spec.home };
  delete env.CONCIERGE_DATA_DIR;
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, args, {
    cwd: spec.root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let addressAt = 0;
  let consoleUrl = '';
  const append = (chunk: string) => {
    output += chunk;
    const match = consoleUrl ? null : ADDRESS.exec(output);
    if (match?.[1]) {
      addressAt = Date.now();
      consoleUrl = match[1];
    }
  };
  child.stdout.setEncoding('utf8').on('data', append);
  child.stderr.setEncoding('utf8').on('data', append);
  const pid = child.pid ?? 0;
  const deadline = spawnedAt + timeoutMs;
  while (!consoleUrl) {
    if (child.exitCode !== null)
      throw new Error(`the launcher exited (${child.exitCode}) before its address:\n${output}`);
    if (Date.now() > deadline) {
      kill(-pid, 'SIGKILL');
      throw new Error(`the launcher printed no address in ${timeoutMs / 1000} s:\n${output}`);
    }
    await sleep(5);
  }
  const consolePid = await consoleOf(pid);
  return {
    spawnedAt,
    addressAt,
    consoleUrl,
    consolePid,
    output: () => output,
    async stop() {
      kill(pid, 'SIGINT');
      const timer = setTimeout(() => {
        kill(-pid, 'SIGKILL');
        kill(consolePid, 'SIGKILL');
      }, STOP_TIMEOUT_MS);
      await exited(child);
      clearTimeout(timer);
    },
  };
}

/** VmRSS and VmHWM of a process, in MB (MiB), from /proc/<pid>/status. */
export async function memoryOf(pid: number): Promise<{ rssMb: number; hwmMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** VmRSS summed over a process's descendants (the Chromium a console runs for storefront views), in MB. */
export async function descendantsRssMb(pid: number): Promise<number> {
  let total = 0;
  for (const child of await childrenOf(pid)) {
    total += (await memoryOf(child).catch(() => ({ rssMb: 0 }))).rssMb;
    total += await descendantsRssMb(child);
  }
  return total;
}

/** CPU seconds (user + system) a process used so far. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command; in clock ticks (100/s on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Waits until `pid` used less than `share` of a core for `quietMs` in a row (the mirror's background upkeep done). */
export async function waitForQuiet(pid: number, share: number, quietMs: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  let quietSince = Date.now();
  let last = await cpuSeconds(pid);
  for (;;) {
    await sleep(1000);
    const now = await cpuSeconds(pid);
    if (now - last > share) quietSince = Date.now();
    last = now;
    if (Date.now() - quietSince >= quietMs) return (Date.now() - started) / 1000;
    if (Date.now() - started > timeoutMs) throw new Error(`the console stayed busy for ${timeoutMs / 60_000} min`);
  }
}
