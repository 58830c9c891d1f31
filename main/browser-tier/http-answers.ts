import type { IncomingMessage, ServerResponse } from 'node:http';

/** The browser tier's JSON answers and request bodies: every endpoint answers and reads the same way. */

const MAX_BODY = 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** A transport failure: `{"error":{"code","message"}}` with a non-200 status. */
export function refuse(res: ServerResponse, status: number, code: string, message: string): void {
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

/** The parsed JSON body (`{}` when empty), or undefined after answering the failure. */
export async function readJson(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
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
