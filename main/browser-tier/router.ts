import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { BrowserTierHello } from '../../shared/ipc/contract';
import type { IpcHandlers } from '../core/ipc-handlers';
import { checkCaller, type LoopbackAddress } from './caller-check';
import type { EventStreams } from './event-stream';
import type { ExportDownloads } from './export-downloads';
import { answerExport } from './export-endpoint';
import { refuse, sendJson } from './http-answers';
import { answerIpcCall } from './ipc-endpoint';
import { serveRenderer } from './static-files';
import { answerView, VIEW_ACTIONS } from './view-endpoints';
import type { PlaywrightViewHost } from './view-host-playwright';

/** Which endpoint answers a request, once the caller is allowed (caller-check.ts). */

export interface RouterDeps {
  address: LoopbackAddress;
  token: string;
  hello: BrowserTierHello;
  handlers: IpcHandlers;
  events: EventStreams;
  downloads: ExportDownloads;
  viewHost: PlaywrightViewHost;
  /** Absolute. */
  rendererDir: string;
}

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createRouter(deps: RouterDeps): Route {
  return async (req, res) => {
    const caller = checkCaller(req, deps.address, deps.token);
    if (!caller.allowed) {
      refuse(res, caller.status, caller.code, caller.message);
      return;
    }
    const path = caller.url.pathname;
    if (req.method === 'GET' && path === '/ipc/events') {
      deps.events.open(res);
      return;
    }
    if (req.method === 'GET' && path === '/ipc/hello') {
      sendJson(res, 200, deps.hello);
      return;
    }
    if (path.startsWith('/exports/')) {
      await answerExport(req, res, path, deps.downloads);
      return;
    }
    const ipc = /^\/ipc\/([A-Za-z.]+)$/.exec(path);
    if (ipc) {
      await answerIpcCall(req, res, ipc[1] ?? '', deps.handlers);
      return;
    }
    const view = /^\/views\/([A-Za-z0-9_-]{1,64})\/([a-z.]+)$/.exec(path);
    const action = VIEW_ACTIONS.find((known) => known === view?.[2]);
    if (view && action) {
      await answerView(req, res, view[1] ?? '', action, deps.viewHost);
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      await serveRenderer(res, deps.rendererDir, path);
      return;
    }
    refuse(res, 405, 'method_not_allowed', 'Not allowed.');
  };
}

/**
 * A failure no endpoint answered is logged (method and path, never the query: it may hold the
 * token) and answered 500, naming the log file so the person can find the details.
 */
export function answeringUnexpectedFailures(
  route: Route,
  log: (message: string, error?: unknown) => void,
  logFile: string | undefined,
): RequestListener {
  return (req, res) => {
    route(req, res).catch((error: unknown) => {
      log(`request ${req.method ?? ''} ${req.url?.split('?')[0] ?? ''} failed`, error);
      if (!res.headersSent)
        refuse(
          res,
          500,
          'internal_error',
          `The console service failed; the details are in its log${logFile ? ` (${logFile})` : ''}.`,
        );
      else res.end();
    });
  };
}
