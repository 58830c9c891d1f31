/**
 * `npm start`: the demo shop (unless one already answers on 127.0.0.1:4310), the console built
 * if out/ is missing or stale, then Electron — or, where the Electron binary is not installed,
 * the browser tier with the URL to open in Chromium. Ctrl+C ends open sessions at the shop and
 * stops everything.
 *
 *   npm start -- [--shop-url http://…] [--port 4320] [--browser]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startBrowserTier, type BrowserTier } from '../main/browser-tier/server';
import { createAuditPort, mirrorKey } from '../main/core/audit-port';
import { staleBuild } from '../main/core/build-freshness';
import { findElectronBinary } from '../main/core/electron-binary';
import { DEFAULT_SHOP_URL } from '../main/core/shop-url';
import { startShop, type RunningShop } from '../shop/main';

const root = resolve(import.meta.dirname, '..');

function say(message: string): void {
  console.log(`[concierge] ${message}`);
}

async function shopAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/api/v1/openapi.json`, { signal: AbortSignal.timeout(1500) });
    return response.ok;
  } catch {
    return false;
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    child.on('error', fail);
    child.on('exit', (code) => { if (code === 0) done(); else fail(new Error(`${command} ${args.join(' ')} exited with ${code ?? 'a signal'}`)); });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      'shop-url': { type: 'string' },
      port: { type: 'string', default: '4320' },
      browser: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not ${values.port}`);

  let shop: RunningShop | null = null;
  let shopUrl = values['shop-url'] ?? DEFAULT_SHOP_URL;
  if (!values['shop-url']) {
    if (await shopAnswers(DEFAULT_SHOP_URL)) say(`Using the shop already running at ${DEFAULT_SHOP_URL}.`);
    else {
      say('Starting the demo shop…');
      const dataDir = join(root, '.data', 'shop');
      await mkdir(dataDir, { recursive: true });
      shop = await startShop({ host: '127.0.0.1', port: 4310, dataDir, ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}), seed: 'demo', onProgress: say });
      shopUrl = shop.url;
      say(`Demo shop at ${shopUrl} (staff password concierge-demo; TOTP codes: npm run totp).`);
    }
  }

  const stale = await staleBuild(root);
  if (stale) {
    say(`Building the console (${stale})…`);
    await run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);
  }

  let electron: ChildProcess | null = null;
  let tier: BrowserTier | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('Stopping…');
    if (electron && electron.exitCode === null) {
      // Electron's own quit handler ends open sessions at the shop before it exits.
      electron.kill('SIGTERM');
      await new Promise((done) => electron?.once('exit', done));
    }
    if (tier) await tier.close().catch((error: unknown) => { say(`closing the browser tier failed: ${String(error)}`); });
    if (shop) await shop.close().catch((error: unknown) => { say(`stopping the shop failed: ${String(error)}`); });
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  const binary = findElectronBinary(root);
  if (binary.found && !values.browser) {
    say('Starting the console (Electron)…');
    electron = spawn(binary.path, [root, `--shop-url=${shopUrl}`], { cwd: root, stdio: 'inherit' });
    electron.on('exit', (code) => void stop(code ?? 0));
    return;
  }
  if (!binary.found) say(`${binary.reason}. Starting the browser tier instead.`);
  tier = await startBrowserTier({
    shopUrl,
    port,
    rendererDir: join(root, 'out', 'renderer'),
    createAudit: ({ auth, emit }) =>
      createAuditPort({ auth, emit, syncIntervalMs: 30_000, dataDirFor: (url, staffId) => join(root, '.data', 'console', 'audit', mirrorKey(url, staffId)) }),
  });
  const keychain = await tier.core.auth.state();
  if (!keychain.keychain.available) say(keychain.keychain.message ?? 'No keychain: sign-in lasts for this run.');
  say(`Console (browser tier) ready. Open this address in Chromium: ${tier.url}`);
  say('Press Ctrl+C to stop; open sessions are ended at the shop first.');
}

main().catch((error: unknown) => {
  console.error(`[concierge] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
