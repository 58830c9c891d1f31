import { join } from 'node:path';
import { auditFoldersIn, BACKGROUND_SYNC_INTERVAL_MS, createAuditPort } from '../core/audit-port';
import { configuredSigningKeys } from '../core/audit-mirror/key-pins';
import { configuredWindowDays } from '../core/audit-mirror/window';
import { ensurePrivateDir } from '../core/private-dir';
import { startBrowserTier, type BrowserTier, type BrowserTierOptions } from './server';
import { loadOrCreateToken } from './token-file';
import { nodeTemplateMaker } from '../core/audit-mirror/template';

/**
 * The browser-tier console as `npm start` runs it: its data in `dataDir` (created private on
 * first use), the token kept there across restarts, the audit mirror syncing in the background.
 * The console process (cli.ts) and the tests both start it through here.
 */
export interface BrowserConsoleOptions {
  shopUrl: string;
  port: number;
  /** The console's data folder: audit mirrors, the token, the open-session journal. */
  dataDir: string;
  rendererDir: string;
  log: NonNullable<BrowserTierOptions['log']>;
  loggers: NonNullable<BrowserTierOptions['loggers']>;
  /** Named to the person when something fails unexpectedly. */
  logFile: string;
  /** The audit mirror's worker file (default: worker.ts, through tsx). */
  workerUrl?: string;
  /** The audit mirror template's maker (default: template-maker.ts, through tsx), run as a child process. */
  templateMakerFile?: string;
}

export async function runBrowserConsole(options: BrowserConsoleOptions): Promise<BrowserTier> {
  const dataDir = await ensurePrivateDir(options.dataDir);
  return startBrowserTier({
    shopUrl: options.shopUrl,
    port: options.port,
    rendererDir: options.rendererDir,
    dataDir,
    token: await loadOrCreateToken(join(dataDir, 'browser-tier.token')),
    createAudit: (deps) =>
      createAuditPort({
        ...deps,
        ...auditFoldersIn(dataDir),
        configuredKeys: configuredSigningKeys(process.env),
        windowDays: configuredWindowDays(process.env),
        syncIntervalMs: BACKGROUND_SYNC_INTERVAL_MS,
        ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
        ...(options.templateMakerFile ? { makeTemplate: nodeTemplateMaker(options.templateMakerFile) } : {}),
      }),
    log: options.log,
    loggers: options.loggers,
    logFile: options.logFile,
  });
}
