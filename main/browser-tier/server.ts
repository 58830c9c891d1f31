/**
 * The browser tier: the console's core behind a loopback HTTP server, for machines without the
 * Electron binary. The same renderer bundle runs in Chromium and reaches the same IPC handlers.
 *
 * Its HTTP protocol (renderer/src/bridge/http-bridge.ts speaks it) is written once, in main/README.md, "Browser-tier HTTP protocol".
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { create as contentDisposition } from 'content-disposition';
import { z } from 'zod';
import {
  BROWSER_TIER_HELLO_EVENT,
  type BrowserTierHello,
  type IpcEventName,
  type IpcEventPayload,
} from '../../shared/ipc/contract';
import { createConsoleCore, type ConsoleCore, type ConsoleCoreOptions, type EventSink } from '../core/console-core';
import { asLogFn, defaultLogger } from '../core/logging';
import { dispatch, isIpcChannel } from '../core/ipc-handlers';
import { createVault, type CredentialVault } from '../core/vault';
import { createExportDownloads, type ExportDownloads } from './export-downloads';
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

const MAX_BODY = 1024 * 1024;

const ClickPoint = z.object({ x: z.number().min(0).max(10_000), y: z.number().min(0).max(10_000) }).strict();

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** The console page may talk to its own origin only; previews are same-origin images. */
const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function refuse(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY) return 'too_large';
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

const EXPORT_TYPES: Record<string, string> = {
  '.csv': 'text/csv; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
};

/** Streams one export file to the browser as an attachment, then deletes it. */
async function sendDownload(res: ServerResponse, downloads: ExportDownloads, downloadId: string): Promise<void> {
  const download = downloads.take(downloadId);
  if (!download) {
    refuse(res, 404, 'no_download', 'No such export, or it was downloaded already or expired: export again.');
    return;
  }
  try {
    const { size } = await stat(download.filePath);
    res.writeHead(200, {
      'content-type': EXPORT_TYPES[extname(download.fileName)] ?? 'application/octet-stream',
      'content-length': size,
      'content-disposition': contentDisposition(download.fileName),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    await pipeline(createReadStream(download.filePath), res);
  } finally {
    await download.release();
  }
}

export async function startBrowserTier(options: BrowserTierOptions): Promise<BrowserTier> {
  const token = options.token ?? randomBytes(32).toString('hex');
  const loggers = options.loggers ?? defaultLogger;
  const log = options.log ?? asLogFn(loggers('browser-tier'));
  const rendererDir = resolve(options.rendererDir);
  const viewHost = options.viewHost ?? createPlaywrightViewHost({ log: asLogFn(loggers('views')) });
  const streams = new Set<ServerResponse>();
  const instanceId = randomBytes(16).toString('hex');
  const hello: BrowserTierHello = { instanceId };
  const downloads = await createExportDownloads({ dir: join(options.dataDir, 'exports'), log });

  const emit: EventSink = <E extends IpcEventName>(event: E, payload: IpcEventPayload<E>) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const res of streams) res.write(frame);
  };

  const core = createConsoleCore({
    shopUrl: options.shopUrl,
    vault: options.vault ?? createVault(),
    viewHost,
    createAudit: options.createAudit,
    emit,
    exportDestination: (defaultName) => Promise.resolve(downloads.reserve(defaultName)),
    openSessionsFile: join(options.dataDir, 'open-sessions.json'),
    ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}),
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.heartbeatIntervalMs !== undefined ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
    // A caller's own log (tests) hears the sessions too; otherwise they have their named logger.
    ...(options.log ? { log: options.log } : {}),
    loggers,
    ...(options.logFile !== undefined ? { logFile: options.logFile } : {}),
  });

  let origin = '';
  let hostHeader = '';

  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      refuse(res, 400, 'bad_path', 'The path is not valid.');
      return;
    }
    const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
    const file = resolve(rendererDir, relative);
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) {
      refuse(res, 404, 'not_found', 'No such file.');
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      refuse(
        res,
        404,
        'not_found',
        decoded === '/'
          ? `The console is not built: ${join(rendererDir, 'index.html')} is missing (run npx electron-vite build).`
          : 'No such file.',
      );
      return;
    }
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, {
      'content-type': type,
      'content-length': body.length,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      ...(type.startsWith('text/html')
        ? { 'content-security-policy': CONSOLE_CSP, 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' }
        : {}),
    });
    res.end(body);
  }

  function openEvents(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`: connected\n\nevent: ${BROWSER_TIER_HELLO_EVENT}\ndata: ${JSON.stringify(hello)}\n\n`);
    streams.add(res);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    ping.unref();
    res.on('close', () => {
      clearInterval(ping);
      streams.delete(res);
    });
    core.auth.state().then(
      (state) => {
        res.write(`event: auth.changed\ndata: ${JSON.stringify(state)}\n\n`);
        res.write(`event: sessions.changed\ndata: ${JSON.stringify(core.sessions.list())}\n\n`);
        res.write(`event: sessions.recovery\ndata: ${JSON.stringify({ notice: core.recovery.notice() })}\n\n`);
      },
      (error: unknown) => {
        log(`reading the sign-in state for a new event stream failed: ${String(error)}`);
      },
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.headers.host !== hostHeader) {
      refuse(res, 403, 'wrong_host', 'This server answers on its loopback address only.');
      return;
    }
    if (req.headers.origin !== undefined && req.headers.origin !== origin) {
      refuse(res, 403, 'foreign_origin', 'Calls from other sites are refused.');
      return;
    }
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname;

    if (path.startsWith('/ipc/') || path.startsWith('/views/') || path.startsWith('/exports/')) {
      const given = req.headers['x-concierge-token'] ?? (req.method === 'GET' ? url.searchParams.get('token') : null);
      if (!sameToken(typeof given === 'string' ? given : null, token)) {
        refuse(res, 401, 'bad_token', 'Missing or wrong console token.');
        return;
      }
    }

    if (req.method === 'GET' && path === '/ipc/events') {
      openEvents(res);
      return;
    }
    if (req.method === 'GET' && path === '/ipc/hello') {
      sendJson(res, 200, hello);
      return;
    }
    if (path.startsWith('/exports/')) {
      // The id is a key into the store, never part of a path on disk.
      const exported = /^\/exports\/([0-9a-f]{32})$/.exec(path);
      if (req.method !== 'GET') refuse(res, 405, 'method_not_allowed', 'Use GET.');
      else if (!exported) refuse(res, 404, 'no_download', 'No such export.');
      else await sendDownload(res, downloads, exported[1] ?? '');
      return;
    }
    const ipc = /^\/ipc\/([A-Za-z.]+)$/.exec(path);
    if (ipc) {
      const channel = ipc[1] ?? '';
      if (req.method !== 'POST') {
        refuse(res, 405, 'method_not_allowed', 'Use POST.');
        return;
      }
      if (!isIpcChannel(channel)) {
        refuse(res, 404, 'unknown_channel', `There is no call named ${channel}.`);
        return;
      }
      const args = await readJson(req, res);
      if (args === undefined) return;
      // A page that aborts its request (search as you type, superseded by the next key) closes the
      // connection before the answer: abort the call, and with it the core's request to the shop.
      const cancel = new AbortController();
      const onClose = () => {
        if (!res.writableFinished) cancel.abort();
      };
      res.once('close', onClose);
      const response = await dispatch(core.handlers, channel, args, { signal: cancel.signal });
      res.off('close', onClose);
      if (cancel.signal.aborted || res.destroyed) return;
      sendJson(res, 200, response);
      return;
    }
    const view = /^\/views\/([A-Za-z0-9_-]{1,64})\/(preview\.jpg|click)$/.exec(path);
    if (view) {
      const sessionId = view[1] ?? '';
      if (view[2] === 'preview.jpg' && req.method === 'GET') {
        const image = viewHost.preview(sessionId);
        if (!image) {
          refuse(res, 404, 'no_preview', 'No preview of this session yet.');
          return;
        }
        res.writeHead(200, {
          'content-type': 'image/jpeg',
          'content-length': image.length,
          'cache-control': 'no-store',
        });
        res.end(image);
        return;
      }
      if (view[2] === 'click' && req.method === 'POST') {
        const body = await readJson(req, res);
        if (body === undefined) return;
        const point = ClickPoint.safeParse(body);
        if (!point.success) {
          refuse(res, 400, 'bad_point', 'Send {"x": number, "y": number} within the preview.');
          return;
        }
        const done = await viewHost.click(sessionId, point.data.x, point.data.y);
        if (!done) refuse(res, 404, 'no_view', 'This session has no open view.');
        else {
          res.writeHead(204);
          res.end();
        }
        return;
      }
      refuse(res, 405, 'method_not_allowed', 'Not allowed.');
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      await serveStatic(res, path);
      return;
    }
    refuse(res, 405, 'method_not_allowed', 'Not allowed.');
  }

  /** The parsed JSON body, or undefined after answering the failure. */
  async function readJson(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    const type = req.headers['content-type'] ?? '';
    if (!type.toLowerCase().startsWith('application/json')) {
      refuse(res, 415, 'unsupported_media_type', 'Send application/json.');
      return undefined;
    }
    const body = await readBody(req);
    if (body === 'too_large') {
      refuse(res, 413, 'payload_too_large', 'The body is larger than 1 MiB.');
      req.resume();
      return undefined;
    }
    try {
      return body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as unknown);
    } catch {
      refuse(res, 400, 'bad_json', 'The body is not JSON.');
      return undefined;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`request ${req.method ?? ''} ${req.url?.split('?')[0] ?? ''} failed`, error);
      if (!res.headersSent)
        refuse(
          res,
          500,
          'internal_error',
          `The console service failed; the details are in its log${options.logFile ? ` (${options.logFile})` : ''}.`,
        );
      else res.end();
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  hostHeader = `127.0.0.1:${port}`;

  // Start-up restores the last sign-in from the keychain; an unreachable shop just leaves it signed out.
  await core.auth.restore().catch((error: unknown) => {
    log(`restoring the sign-in failed: ${String(error)}`);
  });

  let closing: Promise<void> | null = null;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    instanceId,
    core,
    viewHost,
    close() {
      closing ??= (async () => {
        await core.shutdown();
        for (const res of streams) res.end();
        streams.clear();
        server.closeAllConnections();
        await new Promise<void>((done) =>
          server.close(() => {
            done();
          }),
        );
        if (!options.viewHost) await viewHost.dispose();
        await downloads.dispose();
      })();
      return closing;
    },
  };
}
