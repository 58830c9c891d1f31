import { net, protocol } from 'electron';
import { extname, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The console's pages are served from `app://console/`, a standard secure scheme, so they have
 * a real origin to check IPC senders against and a CSP header, instead of file:// URLs.
 */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://console';

const CSP = {
  console:
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  banner:
    "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/**
 * `scheme://host[:port]` of a URL. WHATWG URL gives custom schemes the origin "null", so app://
 * pages are compared by scheme and host instead; for http(s) this equals `URL.origin`.
 */
export function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves the built renderer folder under app://console/, nothing outside it. */
export function serveRenderer(rendererDir: string): void {
  const root = resolve(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'console') return new Response('Not found', { status: 404 });
    const relative = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html';
    const file = resolve(root, relative);
    if (!file.startsWith(root + sep)) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    if (!response.ok) return new Response('Not found', { status: 404 });
    const headers = new Headers(response.headers);
    if (extname(file) === '.html') {
      headers.set('content-security-policy', relative === 'banner.html' ? CSP.banner : CSP.console);
      headers.set('x-content-type-options', 'nosniff');
    }
    return new Response(response.body, { status: 200, headers });
  });
}
