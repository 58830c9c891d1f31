/**
 * Raw HTTP to the shop, for what the console's client hides on purpose: status codes, headers,
 * cookies and redirects (the storefront is a browser's business, not the console's).
 */
import { apiBaseOf } from '../shared/shop-address';

export interface RawAnswer {
  status: number;
  headers: Headers;
  /** The body parsed as JSON, or null when it is not JSON. */
  json: unknown;
}

export interface RawOptions {
  token?: string;
  json?: unknown;
}

/** A request to the Assistance API at `/api/v1/<path>`. */
export async function rawRequest(
  shopUrl: string,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  options: RawOptions = {},
): Promise<RawAnswer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${apiBaseOf(shopUrl)}${path}`, {
    method,
    headers,
    ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: the status says enough.
  }
  return { status: response.status, headers: response.headers, json };
}

export interface PageAnswer {
  status: number;
  /** Where a redirect points, resolved against the request's URL. */
  location: string | null;
  /** The cookies the answer sets (name=value, empty values dropped), as one Cookie header. */
  setCookies: string;
}

/** A storefront GET as a browser's first step: no redirect followed, the given cookies sent. */
export async function storefrontGet(url: string, cookie?: string): Promise<PageAnswer> {
  const response = await fetch(url, {
    redirect: 'manual',
    headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) },
  });
  await response.arrayBuffer();
  const location = response.headers.get('location');
  const setCookies = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]?.trim() ?? '')
    .filter((pair) => /^[^=]+=.+$/.test(pair))
    .join('; ');
  return { status: response.status, location: location ? new URL(location, url).toString() : null, setCookies };
}
