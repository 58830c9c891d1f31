/**
 * The browser tier: the console's core behind a loopback HTTP server, for machines without the
 * Electron binary. The same renderer bundle runs in Chromium and reaches the same IPC handlers.
 *
 * Its HTTP protocol (renderer/src/bridge/http-bridge.ts speaks it) is written once, in main/README.md, "Browser-tier HTTP protocol".
 * This file starts and stops it; which file answers what is in main/browser-tier/README.md.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { BrowserTierHello } from '../../shared/ipc/contract';
import { createConsoleCore, type ConsoleCore, type ConsoleCoreOptions } from '../core/console-core';
import { asLogFn, defaultLogger } from '../core/logging';
import { createVault, type CredentialVault } from '../core/vault';
import type { LoopbackAddress } from './caller-check';
import { createEventStreams, greetWithCurrentState, type EventStreams } from './event-stream';
import { createExportDownloads, type ExportDownloads } from './export-downloads';
import { answeringUnexpectedFailures, createRouter } from './router';
import { createPlaywrightViewHost, type PlaywrightViewHost } from './view-host-playwright';

export interface BrowserTierOptions {
  shopUrl: string;
  /** 0 picks a free port. */
  port?: number;
  /** The built renderer (`out/renderer`). */
  rendererDir: string;
  /** The console's data folder (private, created by the caller): exports in progress and what the core keeps. */
  dataDir: string;
  viewHost?: PlaywrightViewHost;
  vault?: CredentialVault;
  createAudit: ConsoleCoreOptions['createAudit'];
  /** Fixed token (the launcher's, kept across restarts; tests); random otherwise. */
  token?: string;
  poolSize?: number;
  pollIntervalMs?: number;
  heartbeatIntervalMs?: number;
  log?: (message: string, error?: unknown) => void;
  /** Named loggers for the core (main/core/logging.ts). */
  loggers?: ConsoleCoreOptions['loggers'];
  /** The console's log file, named to the person when something fails unexpectedly. */
  logFile?: string;
}

export interface BrowserTier {
  /** The address to open, token included. */
  url: string;
  origin: string;
  token: string;
  /** Random per start: tells a page left open that the console restarted. */
  instanceId: string;
  core: ConsoleCore;
  viewHost: PlaywrightViewHost;
  /** Ends every open session at the shop, then stops the server and the browser. */
  close(): Promise<void>;
}

/** Binds 127.0.0.1 only; the listener is attached once the port is known, before any request is read. */
async function listenOnLoopback(
  port: number,
  listenerFor: (address: LoopbackAddress) => RequestListener,
): Promise<{ server: Server; address: LoopbackAddress }> {
  const server = createServer();
  const address = await new Promise<LoopbackAddress>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const bound = (server.address() as AddressInfo).port;
      const loopback = { origin: `http://127.0.0.1:${bound}`, host: `127.0.0.1:${bound}` };
      server.on('request', listenerFor(loopback));
      resolveListen(loopback);
    });
  });
  return { server, address };
}

function coreOptions(
  options: BrowserTierOptions,
  parts: Pick<ConsoleCoreOptions, 'viewHost' | 'emit' | 'exportDestination' | 'loggers'>,
): ConsoleCoreOptions {
  return {
    shopUrl: options.shopUrl,
    vault: options.vault ?? createVault(),
    viewHost: parts.viewHost,
    createAudit: options.createAudit,
    emit: parts.emit,
    exportDestination: parts.exportDestination,
    openSessionsFile: join(options.dataDir, 'open-sessions.json'),
    ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}),
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.heartbeatIntervalMs !== undefined ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
    // A caller's own log (tests) hears the sessions too; otherwise they have their named logger.
    ...(options.log ? { log: options.log } : {}),
    loggers: parts.loggers,
    ...(options.logFile !== undefined ? { logFile: options.logFile } : {}),
  };
}

/** The sessions end at the shop first, while the server can still tell the page; then everything stops. */
async function closeTier(parts: {
  core: ConsoleCore;
  events: EventStreams;
  server: Server;
  /** Null when the caller owns the view host. */
  ownViewHost: PlaywrightViewHost | null;
  downloads: ExportDownloads;
}): Promise<void> {
  await parts.core.shutdown();
  parts.events.endAll();
  parts.server.closeAllConnections();
  await new Promise<void>((done) =>
    parts.server.close(() => {
      done();
    }),
  );
  if (parts.ownViewHost) await parts.ownViewHost.dispose();
  await parts.downloads.dispose();
}

export async function startBrowserTier(options: BrowserTierOptions): Promise<BrowserTier> {
  const token = options.token ?? randomBytes(32).toString('hex');
  const loggers = options.loggers ?? defaultLogger;
  const log = options.log ?? asLogFn(loggers('browser-tier'));
  const rendererDir = resolve(options.rendererDir);
  const viewHost = options.viewHost ?? createPlaywrightViewHost({ log: asLogFn(loggers('views')) });
  const instanceId = randomBytes(16).toString('hex');
  const hello: BrowserTierHello = { instanceId };
  const downloads = await createExportDownloads({ dir: join(options.dataDir, 'exports'), log });
  // A new stream is greeted with the core's state; the core, created next, emits through the streams.
  const events = createEventStreams({
    hello,
    greet: (send) => {
      greetWithCurrentState(core, send, log);
    },
  });
  const core = createConsoleCore(
    coreOptions(options, {
      viewHost,
      emit: events.emit,
      exportDestination: (defaultName) => Promise.resolve(downloads.reserve(defaultName)),
      loggers,
    }),
  );
  const { server, address } = await listenOnLoopback(options.port ?? 0, (loopback) =>
    answeringUnexpectedFailures(
      createRouter({
        address: loopback,
        token,
        hello,
        handlers: core.handlers,
        events,
        downloads,
        viewHost,
        rendererDir,
      }),
      log,
      options.logFile,
    ),
  );

  // Start-up restores the last sign-in from the keychain; an unreachable shop just leaves it signed out.
  await core.auth.restore().catch((error: unknown) => {
    log(`restoring the sign-in failed: ${String(error)}`);
  });

  let closing: Promise<void> | null = null;
  return {
    url: `${address.origin}/?token=${token}`,
    origin: address.origin,
    token,
    instanceId,
    core,
    viewHost,
    close() {
      closing ??= closeTier({ core, events, server, ownViewHost: options.viewHost ? null : viewHost, downloads });
      return closing;
    },
  };
}
