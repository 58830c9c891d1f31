import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { IpcResponse } from '../../shared/ipc/contract';
import { describeAgainstOneShop, type TestShop } from '../../shop/test/harness';
import { createLogging, type Logging } from '../core/logging';
import { DEMO_STAFF_PASSWORD, startDemoShop, totpCodes } from '../test/shop';
import { runBrowserConsole } from './run';
import type { BrowserTier } from './server';
import { TEMPLATE_FOLDER } from '../core/audit-mirror/template';

/**
 * The console as `npm start` runs it (run.ts, the function cli.ts calls): a data folder that does
 * not exist yet, the real audit mirror in it, a real log file. The launcher journeys cover the
 * process around it; this covers what happens inside, failures included.
 */
describeAgainstOneShop('browser console as npm start runs it', (backend) => {
  let shop: TestShop;
  let root: string;
  let rendererDir: string;
  let code: (email: string) => string;

  async function call(tier: BrowserTier, channel: string, args: unknown): Promise<IpcResponse<never>> {
    const response = await fetch(`${tier.origin}/ipc/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-concierge-token': tier.token },
      body: JSON.stringify(args),
    });
    return (await response.json()) as IpcResponse<never>;
  }

  async function start(dataDir: string, logging: Logging, logFile: string): Promise<BrowserTier> {
    return runBrowserConsole({
      shopUrl: shop.url,
      port: 0,
      dataDir,
      rendererDir,
      log: () => undefined,
      loggers: (name) => logging.logger(name),
      logFile,
    });
  }

  async function signIn(tier: BrowserTier, email: string): Promise<void> {
    // A real keychain may have restored an earlier test's sign-in at start.
    await call(tier, 'auth.signOut', {});
    await call(tier, 'auth.signIn', { shopUrl: shop.url, email, password: DEMO_STAFF_PASSWORD });
    expect(await call(tier, 'auth.verifyMfa', { code: code(email) })).toMatchObject({
      ok: true,
      value: { status: 'signed_in' },
    });
  }

  beforeAll(async () => {
    shop = await startDemoShop(backend);
    code = totpCodes(shop);
    root = await mkdtemp(join(tmpdir(), 'concierge-run-'));
    rendererDir = join(root, 'renderer');
    await mkdir(rendererDir);
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Concierge</title>');
  });
  afterAll(async () => {
    await shop.close();
    await rm(root, { recursive: true, force: true });
  });

  it("creates its nested data folder privately, shows the agent's audit events on first run, and keeps its token across restarts", async () => {
    const dataDir = join(root, 'first', 'nested', 'console');
    const logFile = join(root, 'first', 'logs', 'console.log');
    const logging = createLogging({ file: logFile });
    const tier = await start(dataDir, logging, logFile);
    try {
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      expect((await stat(join(dataDir, 'browser-tier.token'))).mode & 0o777).toBe(0o600);
      await signIn(tier, 'agent@demo.test');
      // No explicit sync: the mirror opens in the background and syncs at once.
      await vi.waitFor(
        async () => {
          const page = await call(tier, 'audit.query', { filter: {}, offset: 0, limit: 50 });
          expect(page).toMatchObject({ ok: true });
          expect(JSON.stringify(page)).toContain('"action":"staff.sign_in"');
        },
        { timeout: 60_000, interval: 500 },
      );
      // The agent's mirror, copied from the template the console made for the next one.
      const folders = await readdir(join(dataDir, 'audit'));
      expect(folders).toContain(TEMPLATE_FOLDER);
      const mirrors = folders.filter((name) => name !== TEMPLATE_FOLDER && !name.endsWith('.json'));
      expect(mirrors).toHaveLength(1);
      expect((await stat(join(dataDir, 'audit', mirrors[0] ?? ''))).mode & 0o777).toBe(0o700);
    } finally {
      await tier.close();
    }
    const again = await start(dataDir, logging, logFile);
    try {
      expect(again.token).toBe(tier.token);
      expect(again.instanceId).not.toBe(tier.instanceId);
      // Signing out forgets the sign-in the keychain kept (where there is one), as a person would.
      expect(await call(again, 'auth.signOut', {})).toMatchObject({ ok: true, value: { status: 'signed_out' } });
    } finally {
      await again.close();
      await logging.close();
    }
  }, 120_000);

  it('answers a failure nobody expected with where its log is, and logs it with its stack', async () => {
    const dataDir = join(root, 'broken', 'console');
    const logFile = join(root, 'broken', 'logs', 'console.log');
    await mkdir(dataDir, { recursive: true });
    // A file where the mirrors' folder belongs: opening a mirror fails with ENOTDIR.
    await writeFile(join(dataDir, 'audit'), 'not a folder');
    const logging = createLogging({ file: logFile });
    const tier = await start(dataDir, logging, logFile);
    try {
      await signIn(tier, 'supervisor@demo.test');
      const answer = await call(tier, 'audit.query', { filter: {}, offset: 0, limit: 50 });
      expect(answer).toMatchObject({ ok: false, error: { code: 'internal_error' } });
      expect((answer as { error: { message: string } }).error.message).toBe(
        `Something went wrong in the console; the details are in its log (${logFile}).`,
      );
      // The console keeps serving everything else.
      expect(await call(tier, 'auth.state', {})).toMatchObject({ ok: true, value: { status: 'signed_in' } });
    } finally {
      await tier.close();
      await logging.close();
    }
    const lines = (await readFile(logFile, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { module?: string; msg?: string; channel?: string; err?: { stack?: string } });
    const failure = lines.find((l) => l.module === 'ipc' && l.channel === 'audit.query');
    expect(failure?.msg).toBe('call failed unexpectedly');
    expect(failure?.err?.stack).toMatch(/ENOTDIR|EEXIST/);
  }, 120_000);
});
