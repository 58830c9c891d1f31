import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readJson, refuse } from './http-answers';
import type { PlaywrightViewHost } from './view-host-playwright';

/** `GET /views/<sessionId>/preview.jpg` and `POST /views/<sessionId>/click`: the storefront as the console page sees it. */

const ClickPoint = z.object({ x: z.number().min(0).max(10_000), y: z.number().min(0).max(10_000) }).strict();

function sendPreview(res: ServerResponse, image: Buffer | null): void {
  if (!image) {
    refuse(res, 404, 'no_preview', 'No preview of this session yet.');
    return;
  }
  res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': image.length, 'cache-control': 'no-store' });
  res.end(image);
}

async function relayClick(
  req: IncomingMessage,
  res: ServerResponse,
  sessionId: string,
  viewHost: PlaywrightViewHost,
): Promise<void> {
  const body = await readJson(req, res);
  if (body === undefined) return;
  const point = ClickPoint.safeParse(body);
  if (!point.success) {
    refuse(res, 400, 'bad_point', 'Send {"x": number, "y": number} within the preview.');
    return;
  }
  const done = await viewHost.click(sessionId, point.data.x, point.data.y);
  if (!done) {
    refuse(res, 404, 'no_view', 'This session has no open view.');
    return;
  }
  res.writeHead(204);
  res.end();
}

export async function answerView(
  req: IncomingMessage,
  res: ServerResponse,
  sessionId: string,
  /** `preview.jpg` or `click`, as the router matched it. */
  action: string,
  viewHost: PlaywrightViewHost,
): Promise<void> {
  if (action === 'preview.jpg' && req.method === 'GET') sendPreview(res, viewHost.preview(sessionId));
  else if (action === 'click' && req.method === 'POST') await relayClick(req, res, sessionId, viewHost);
  else refuse(res, 405, 'method_not_allowed', 'Not allowed.');
}
