import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsoleReady } from '../main/browser-tier/cli';
import { BUILT_TEMPLATE_MAKER_FILE } from '../main/core/audit-mirror/template';
import { BUILT_WORKER_FILE } from '../main/core/audit-mirror/worker-client';
import { BUILT_BROWSER_TIER_FILE, staleBuild } from '../main/core/build-freshness';
import { findElectronBinary } from '../main/core/electron-binary';
import { ensurePrivateDir } from '../main/core/private-dir';
import type { LaunchOptions } from './launch-options';

/**
 * `npm start`: the demo shop and the console, each as its own process, so a console that fails
 * never takes the shop (or the sessions recorded there) with it. The launcher only supervises:
 * it restarts a console that stopped unexpectedly, and on Ctrl+C stops the console first (which
 * ends its open sessions at the shop) and the shop last.
 */
export interface Launcher {
  /** Resolves once everything is stopped. */
  stop(): Promise<void>;
}

export interface LaunchIo {
  say(message: string): void;
  projectRoot: string;
}

interface Folders {
  shop: string;
  console: string;
  logs: string;
}

/** Restarts allowed within RESTART_WINDOW_MS before the launcher gives up on the console. */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 5 * 60_000;
const STOP_TIMEOUT_MS = 20_000;

async function shopAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/api/v1/openapi.json`, { signal: AbortSignal.timeout(1500) });
    return response.ok;
  } catch {
    return false;
  }
}

/** Runs a TypeScript entry point of this project under Node (through tsx), in a process group of its own. */
function spawnTs(io: LaunchIo, file: string, args: string[], ipc: boolean): ChildProcess {
  return spawnNode(io, ['--import', 'tsx', join(io.projectRoot, file), ...args], ipc);
}

/** Runs Node with `args`, in a process group of its own. */
function spawnNode(io: LaunchIo, args: string[], ipc: boolean): ChildProcess {
  // Its own group: Ctrl+C reaches the launcher alone, which stops the children in order.
  return spawn(process.execPath, args, {
    cwd: io.projectRoot,
    detached: true,
    stdio: ipc ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'inherit', 'inherit'],
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) =>
    child.once('exit', () => {
      done();
    }),
  );
}

/** Signals a child and waits for it, killing it when it takes longer than STOP_TIMEOUT_MS. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited(child);
  clearTimeout(timer);
}

async function prepareFolders(dataDir: string): Promise<Folders> {
  await mkdir(dataDir, { recursive: true });
  return {
    shop: await ensurePrivateDir(join(dataDir, 'shop')),
    console: await ensurePrivateDir(join(dataDir, 'console')),
    logs: await ensurePrivateDir(join(dataDir, 'logs')),
  };
}

/** The demo shop as its own process; resolves with its URL once it answers. */
async function startDemoShop(
  io: LaunchIo,
  options: LaunchOptions,
  folders: Folders,
): Promise<{ url: string; child: ChildProcess }> {
  const url = `http://127.0.0.1:${options.shopPort}`;
  const child = spawnTs(
    io,
    'shop/cli.ts',
    [
      '--port',
      String(options.shopPort),
      '--data-dir',
      folders.shop,
      '--log-file',
      join(folders.logs, 'shop.log'),
      '--quiet',
    ],
    false,
  );
  const start: { failed: string | null } = { failed: null };
  const onExit = (code: number | null, signal: string | null) => {
    start.failed = `the demo shop stopped while starting (${signal ?? `exit code ${code ?? '?'}`}); its log: ${join(folders.logs, 'shop.log')}`;
  };
  child.once('exit', onExit);
  for (;;) {
    if (start.failed !== null) throw new Error(start.failed);
    if (await shopAnswers(url)) {
      child.off('exit', onExit);
      return { url, child };
    }
    await sleep(250);
  }
}

/** The browser-tier console process; resolves once it reports its address. */
function startBrowserConsole(
  io: LaunchIo,
  options: LaunchOptions,
  folders: Folders,
  shopUrl: string,
): Promise<{ child: ChildProcess; ready: ConsoleReady }> {
  const built = join(io.projectRoot, 'out', 'main');
  // startConsole has just made the build current: the built console (main/browser-tier/cli.ts)
  // starts about a second sooner than its sources through tsx, and so do its worker and template maker.
  const child = spawnNode(
    io,
    [
      join(built, BUILT_BROWSER_TIER_FILE),
      ...[
        '--shop-url',
        shopUrl,
        '--port',
        String(options.port),
        '--data-dir',
        folders.console,
        '--logs-dir',
        folders.logs,
      ],
      ...['--audit-worker', join(built, BUILT_WORKER_FILE)],
      ...['--audit-template-maker', join(built, BUILT_TEMPLATE_MAKER_FILE)],
    ],
    true,
  );
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null) => {
      reject(
        new Error(
          `the console stopped while starting (${signal ?? `exit code ${code ?? '?'}`}); its log: ${join(folders.logs, 'console.log')}`,
        ),
      );
    };
    child.once('exit', onExit);
    child.once('message', (message: ConsoleReady) => {
      child.off('exit', onExit);
      resolve({ child, ready: message });
    });
  });
}

function signInHelp(io: LaunchIo, shopUrl: string, ownShop: boolean): void {
  if (!ownShop && shopUrl !== 'http://127.0.0.1:4310') return;
  io.say('Sign in as a demo staff member: agent@demo.test, supervisor@demo.test, admin@demo.test or trainee@demo.test');
  io.say(
    '  (password in the README, "The demo"; the current code for the second step: npm run totp -- agent@demo.test).',
  );
}

export async function launch(options: LaunchOptions, io: LaunchIo): Promise<Launcher> {
  const folders = await prepareFolders(options.dataDir);
  io.say(`Data in ${options.dataDir}; logs in ${folders.logs}.`);

  let shop: ChildProcess | null = null;
  let shopUrl = options.shopUrl ?? `http://127.0.0.1:${options.shopPort}`;
  if (options.shopUrl) io.say(`Using the shop at ${shopUrl}.`);
  else if (await shopAnswers(shopUrl)) io.say(`Using the shop already running at ${shopUrl}.`);
  else {
    io.say('Starting the demo shop (its own process: it keeps running if the console fails)…');
    const started = await startDemoShop(io, options, folders);
    shop = started.child;
    shopUrl = started.url;
    io.say(`Demo shop at ${shopUrl} (stores: ${shopUrl}/store/us/ and ${shopUrl}/store/eu/).`);
  }

  try {
    return await startConsole(options, io, folders, shopUrl, shop);
  } catch (error) {
    // A console that cannot start leaves no demo shop behind either.
    if (shop) await stopChild(shop);
    throw error;
  }
}

async function startConsole(
  options: LaunchOptions,
  io: LaunchIo,
  folders: Folders,
  shopUrl: string,
  shop: ChildProcess | null,
): Promise<Launcher> {
  const stale = await staleBuild(io.projectRoot);
  if (stale) {
    io.say(`Building the console (${stale})…`);
    const build = spawn(
      process.execPath,
      [join(io.projectRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--logLevel', 'warn'],
      { cwd: io.projectRoot, stdio: 'inherit' },
    );
    await exited(build);
    if (build.exitCode !== 0) throw new Error('building the console failed (see above)');
  }

  let stopping: Promise<void> | null = null;
  let consoleChild: ChildProcess | null = null;
  const stop = () => {
    stopping ??= (async () => {
      io.say(
        shop
          ? 'Stopping: the console first (it ends open sessions at the shop), then the shop…'
          : 'Stopping the console (it ends open sessions at the shop first)…',
      );
      if (consoleChild) await stopChild(consoleChild);
      if (shop) await stopChild(shop);
    })();
    return stopping;
  };

  shop?.once('exit', (code, signal) => {
    if (stopping) return;
    io.say(
      `The demo shop stopped unexpectedly (${signal ?? `exit code ${code ?? '?'}`}); its log: ${join(folders.logs, 'shop.log')}. Stop with Ctrl+C and run npm start again.`,
    );
  });

  const binary = findElectronBinary(io.projectRoot);
  if (binary.found && !options.browser) {
    io.say('Starting the console (Electron)…');
    const electron = spawn(binary.path, [io.projectRoot, `--shop-url=${shopUrl}`], {
      cwd: io.projectRoot,
      stdio: 'inherit',
    });
    consoleChild = electron;
    electron.once('exit', () => {
      if (stopping) return;
      io.say(shop ? 'The console window closed; stopping the demo shop.' : 'The console window closed.');
      void stop();
    });
    signInHelp(io, shopUrl, shop !== null);
    return { stop };
  }
  if (!binary.found) io.say(`${binary.reason}. Starting the browser tier instead.`);

  const restarts: number[] = [];
  const superviseConsole = async (): Promise<void> => {
    const { child, ready } = await startBrowserConsole(io, options, folders, shopUrl);
    consoleChild = child;
    child.once('exit', (code, signal) => {
      if (stopping) return;
      const now = Date.now();
      while (restarts.length > 0 && (restarts[0] ?? now) < now - RESTART_WINDOW_MS) restarts.shift();
      io.say(
        `The console stopped unexpectedly (${signal ?? `exit code ${code ?? '?'}`}); details in ${join(folders.logs, 'console.log')}.${shop ? ` The demo shop keeps running at ${shopUrl}.` : ''}`,
      );
      if (restarts.length >= MAX_RESTARTS) {
        io.say(
          `It stopped ${MAX_RESTARTS + 1} times in a few minutes, so it is not restarted again; press Ctrl+C to stop.`,
        );
        return;
      }
      restarts.push(now);
      io.say('Restarting the console…');
      superviseConsole().catch((error: unknown) => {
        io.say(`Restarting the console failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    });
    if (ready.keychainMessage) io.say(ready.keychainMessage);
    io.say(`Console (browser tier) ready. Open this address in Chromium: ${ready.url}`);
  };
  await superviseConsole();
  signInHelp(io, shopUrl, shop !== null);
  io.say('Press Ctrl+C to stop; open sessions are ended at the shop first.');
  return { stop };
}
