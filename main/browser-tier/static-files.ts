import type { ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { refuse } from './http-answers';

/** `GET /` and `GET /<file>`: the built renderer, and nothing outside its folder. */

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

/** `rendererDir` must be absolute (resolved once by the caller). */
export async function serveRenderer(res: ServerResponse, rendererDir: string, pathname: string): Promise<void> {
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
