import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../body';
import { ApiError } from '../errors';
import { ASSIST_COOKIE } from './access';
import { PageError } from './errors';

/** Sent with every storefront response, pages and redirects alike. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function withHeaders(res: ServerResponse, status: number, cookies: string[]): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
}

export function sendHtml(res: ServerResponse, status: number, body: string, cookies: string[] = []): void {
  withHeaders(res, status, cookies);
  res.end(body);
}

/** 303 See Other to a path on this server (never to an address taken from the request). */
export function redirect(res: ServerResponse, location: string, cookies: string[] = []): void {
  withHeaders(res, 303, cookies);
  res.setHeader('location', location);
  res.end();
}

/**
 * Medusa's request log (morgan, in development and production) prints `req.originalUrl` when the
 * response ends: once the handoff code is read, the request's URL no longer carries it.
 */
export function keepQueryOutOfLogs(req: IncomingMessage & { originalUrl?: string }, pathname: string): void {
  const redacted = `${pathname}?code=[redacted]`;
  req.url = redacted;
  if (req.originalUrl !== undefined) req.originalUrl = redacted;
}

/** The assisted cookie's value, or null. A browser sends the most specific path's cookie first. */
export function readAssistCookie(req: IncomingMessage): string | null {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== ASSIST_COOKIE) continue;
    const value = pair.slice(eq + 1).trim();
    if (/^[A-Za-z0-9_-]{16,200}$/.test(value)) return value;
  }
  return null;
}

/** The cookie is the session's only key: HttpOnly, sent to this store's pages only, Secure over https. */
export function assistCookie(storePath: string, secret: string, publicUrl: string): string {
  const secure = publicUrl.startsWith('https:') ? '; Secure' : '';
  return `${ASSIST_COOKIE}=${secret}; Path=${storePath}; HttpOnly; SameSite=Lax${secure}`;
}

export function clearAssistCookie(storePath: string, publicUrl: string): string {
  return `${assistCookie(storePath, '', publicUrl)}; Max-Age=0`;
}

/**
 * The form token of an assisted session: an HMAC keyed with the session's cookie secret. Only a
 * browser holding the (HttpOnly) cookie can have been given it, it differs per session, and it
 * survives a server restart or a second Medusa process (a per-process random key would not).
 */
export function csrfTokenFor(cookieSecret: string): string {
  return createHmac('sha256', cookieSecret).update('concierge-storefront-csrf').digest('base64url');
}

export function csrfTokenMatches(cookieSecret: string, submitted: unknown): boolean {
  if (typeof submitted !== 'string' || submitted.length === 0 || submitted.length > 100) return false;
  const expected = Buffer.from(csrfTokenFor(cookieSecret));
  const given = Buffer.from(submitted);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A POSTed form's fields (urlencoded only; Medusa's body parsers are off under /concierge). */
export async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded')
    throw new PageError(
      415,
      'Unsupported form',
      'Send forms as application/x-www-form-urlencoded. Nothing was changed.',
      'invalid_input',
    );
  try {
    const body = await readBody(req);
    return (body ?? {}) as Record<string, string>;
  } catch (error) {
    if (error instanceof ApiError)
      throw new PageError(error.status, 'That did not work', `${error.message} Nothing was changed.`, 'invalid_input');
    throw error;
  }
}
