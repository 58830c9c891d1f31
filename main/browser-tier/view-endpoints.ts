import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ViewInput } from '../../shared/ipc/view-input';
import { readJson, refuse } from './http-answers';
import { mjpegResponse } from './mjpeg-response';
import type { PlaywrightViewHost } from './view-host-playwright';

/**
 * `/views/<sessionId>/…`: the storefront as the console page sees and drives it — `screencast`
 * (the live picture), `preview.jpg` (the latest still), `input` (clicks, wheel, keys, text) and
 * `click` (the older click-only form of `input`).
 */

export const VIEW_ACTIONS = ['screencast', 'preview.jpg', 'input', 'click'] as const;
export type ViewAction = (typeof VIEW_ACTIONS)[number];

const ClickPoint = z.object({ x: z.number(), y: z.number() }).strict();

function sendPreview(res: ServerResponse, image: Buffer | null): void {
  if (!image) {
    refuse(res, 404, 'no_preview', 'No preview of this session yet.');
    return;
  }
  res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': image.length, 'cache-control': 'no-store' });
  res.end(image);
}

function streamScreencast(res: ServerResponse, sessionId: string, viewHost: PlaywrightViewHost): void {
  if (!viewHost.page(sessionId)) {
    refuse(res, 404, 'no_view', 'This session has no open view.');
    return;
  }
  const unwatch = viewHost.watch(sessionId, mjpegResponse(res));
  res.on('close', () => unwatch?.());
}

/** The body as input; `click` takes the bare `{x, y}` it always took. */
async function readInput(req: IncomingMessage, res: ServerResponse, action: ViewAction): Promise<ViewInput | null> {
  const body = await readJson(req, res);
  if (body === undefined) return null;
  const point = action === 'click' ? ClickPoint.safeParse(body) : null;
  const input = ViewInput.safeParse(point?.success ? { type: 'click', ...point.data } : body);
  if (input.success) return input.data;
  if (action === 'click') refuse(res, 400, 'bad_point', 'Send {"x": number, "y": number} within the view.');
  else refuse(res, 400, 'bad_input', 'Send a click, wheel, key or text input (shared/ipc/view-input.ts).');
  return null;
}

async function relayInput(
  req: IncomingMessage,
  res: ServerResponse,
  sessionId: string,
  action: ViewAction,
  viewHost: PlaywrightViewHost,
): Promise<void> {
  const input = await readInput(req, res, action);
  if (!input) return;
  if (!(await viewHost.input(sessionId, input))) {
    refuse(res, 404, 'no_view', 'This session is not the one the console shows.');
    return;
  }
  res.writeHead(204);
  res.end();
}

export async function answerView(
  req: IncomingMessage,
  res: ServerResponse,
  sessionId: string,
  action: ViewAction,
  viewHost: PlaywrightViewHost,
): Promise<void> {
  const reading = action === 'screencast' || action === 'preview.jpg';
  if (req.method !== (reading ? 'GET' : 'POST')) refuse(res, 405, 'method_not_allowed', 'Not allowed.');
  else if (action === 'screencast') streamScreencast(res, sessionId, viewHost);
  else if (action === 'preview.jpg') sendPreview(res, viewHost.preview(sessionId));
  else await relayInput(req, res, sessionId, action, viewHost);
}
