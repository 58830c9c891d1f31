import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors';

const MAX_BODY_BYTES = 64 * 1024;

/** Reads a request body (the plugin turns Medusa's parsers off for its routes, so refusals keep the API's shape). */
export async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'payload_too_large', 'The request body is too large.');
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  if (type !== 'application/json')
    throw new ApiError(415, 'unsupported_media_type', 'Send JSON (content-type: application/json).');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'bad_request', 'The request body is not valid JSON.');
  }
}
