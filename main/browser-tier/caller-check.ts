import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may call the browser tier: every request must name the server's own loopback Host (no DNS
 * rebinding) and, when it sends an Origin, the server's own origin (no other site); the private
 * paths also need the console token.
 */

export interface LoopbackAddress {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `127.0.0.1:<port>`, the only Host header answered. */
  host: string;
}

export type CallerCheck =
  | { allowed: true; url: URL }
  | { allowed: false; status: 401 | 403; code: 'wrong_host' | 'foreign_origin' | 'bad_token'; message: string };

/** The calls, the event stream, the storefront views and their input, and the exports; the renderer's files are public code. */
const PRIVATE_PREFIXES = ['/ipc/', '/views/', '/exports/'];

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request's URL when it may be answered; otherwise the refusal to send. */
export function checkCaller(req: IncomingMessage, address: LoopbackAddress, token: string): CallerCheck {
  if (req.headers.host !== address.host)
    return {
      allowed: false,
      status: 403,
      code: 'wrong_host',
      message: 'This server answers on its loopback address only.',
    };
  if (req.headers.origin !== undefined && req.headers.origin !== address.origin)
    return { allowed: false, status: 403, code: 'foreign_origin', message: 'Calls from other sites are refused.' };
  const url = new URL(req.url ?? '/', address.origin);
  if (PRIVATE_PREFIXES.some((prefix) => url.pathname.startsWith(prefix))) {
    // EventSource and <img> cannot set headers: a GET may carry the token in its query instead.
    const given = req.headers['x-concierge-token'] ?? (req.method === 'GET' ? url.searchParams.get('token') : null);
    if (!sameToken(typeof given === 'string' ? given : null, token))
      return { allowed: false, status: 401, code: 'bad_token', message: 'Missing or wrong console token.' };
  }
  return { allowed: true, url };
}
