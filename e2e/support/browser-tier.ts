import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { startBrowserTier, type BrowserTier } from '../../main/browser-tier/server';
import { createPlaywrightViewHost } from '../../main/browser-tier/view-host-playwright';
import { createAuditPort } from '../../main/core/audit-port';
import { createVault } from '../../main/core/vault';
import { testService } from '../../main/test/keychain';
import { startSigningDemoShop, totpCodes } from '../../main/test/shop';
import type { TestShop } from '../../shop/test/harness';

/**
 * The set-up of the browser-tier specs: the built renderer, the real demo shop, and consoles of
 * the browser tier on it (the real core behind `startBrowserTier`), each with its own data folder.
 */

const root = resolve(import.meta.dirname, '../..');
let built = false;

/** Builds the renderer, once per worker; CONCIERGE_E2E_SKIP_BUILD=1 reuses an existing build. */
export function ensureRendererBuilt(): void {
  if (built) return;
  if (process.env.CONCIERGE_E2E_SKIP_BUILD !== '1' || !existsSync(resolve(root, 'out/renderer/index.html'))) {
    execFileSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'ignore' });
  }
  built = true;
}

export interface TierOptions {
  /** A fixed address or token (a console that restarts). */
  port?: number;
  token?: string;
  /** The audit mirror's background sync; unset syncs only when asked ("Sync now"). */
  syncIntervalMs?: number;
  /** A preview of the shown storefront this often; unset takes the view host's default. */
  previewIntervalMs?: number;
  /** Defaults to 1 s. */
  pollIntervalMs?: number;
}

export interface BrowserTiers {
  shop: TestShop;
  /** TOTP codes for the demo staff on the shop's clock. */
  code: (email: string) => string;
  /** Starts a console on the shop with the pool's options, then `options` over them. */
  start(browser: Browser, options?: TierOptions): Promise<BrowserTier>;
  /** The console's data folder (exports waiting to be downloaded). */
  dataDir(tier: BrowserTier): string;
  /** Stops every console started, then the shop, and removes the consoles' folders. */
  close(): Promise<void>;
}

/**
 * Builds the renderer if needed and starts the demo shop (PostgreSQL when TEST_DATABASE_URL is
 * set, as in CI, else embedded PGlite); consoles start on it with `defaults` unless told otherwise.
 */
export async function startBrowserTiers(defaults: TierOptions = {}): Promise<BrowserTiers> {
  ensureRendererBuilt();
  const shop = await startSigningDemoShop(process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite');
  const dataDirs = new Map<BrowserTier, string>();
  /** Every folder made, including one whose console failed to start. */
  const folders: string[] = [];
  return {
    shop,
    code: totpCodes(shop),
    async start(browser, options = {}) {
      const { syncIntervalMs, previewIntervalMs, pollIntervalMs = 1000, ...fixed } = { ...defaults, ...options };
      const dataDir = mkdtempSync(join(tmpdir(), 'concierge-e2e-console-'));
      folders.push(dataDir);
      const tier = await startBrowserTier({
        shopUrl: shop.url,
        rendererDir: resolve(root, 'out/renderer'),
        dataDir,
        ...fixed,
        viewHost: createPlaywrightViewHost({ browser, ...(previewIntervalMs ? { previewIntervalMs } : {}) }),
        vault: createVault({ service: testService() }),
        createAudit: (deps) =>
          createAuditPort({ ...deps, dataDirFor: () => null, ...(syncIntervalMs ? { syncIntervalMs } : {}) }),
        pollIntervalMs,
        log: () => undefined,
      });
      dataDirs.set(tier, dataDir);
      return tier;
    },
    dataDir(tier) {
      const dir = dataDirs.get(tier);
      if (!dir) throw new Error('not a console of this pool');
      return dir;
    },
    async close() {
      for (const tier of dataDirs.keys()) await tier.close();
      await shop.close();
      for (const dir of folders) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A page of its own on the console, at `viewport`. */
export async function openConsole(
  browser: Browser,
  tier: BrowserTier,
  viewport: { width: number; height: number },
): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(tier.url);
  return page;
}
