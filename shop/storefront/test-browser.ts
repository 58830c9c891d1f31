/**
 * A minimal cookie-keeping HTTP client for storefront tests: real HTTP against a real shop,
 * cookies scoped by path like a browser keeps them, redirects not followed (tests check them).
 */
export interface PageResponse {
  status: number;
  html: string;
  headers: Headers;
  location: string | null;
}

interface StoredCookie {
  value: string;
  path: string;
}

export class TestBrowser {
  readonly cookies = new Map<string, StoredCookie>();

  constructor(readonly origin: string) {}

  private cookieHeader(path: string): string {
    return [...this.cookies.entries()]
      .filter(
        ([, c]) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`) || c.path === '/',
      )
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  private keepCookies(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const expired = attributes.some(
        (a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && new Date(a.slice(8)).getTime() < Date.now()),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, { value, path });
    }
  }

  async request(
    method: string,
    path: string,
    options: { body?: string; contentType?: string; headers?: Record<string, string> } = {},
  ): Promise<PageResponse> {
    const headers: Record<string, string> = { ...options.headers };
    const cookie = this.cookieHeader(path.split('?')[0] ?? path);
    if (cookie) headers.cookie = cookie;
    if (options.contentType) headers['content-type'] = options.contentType;
    const response = await fetch(`${this.origin}${path}`, { method, headers, body: options.body, redirect: 'manual' });
    this.keepCookies(response.headers);
    return {
      status: response.status,
      html: await response.text(),
      headers: response.headers,
      location: response.headers.get('location'),
    };
  }

  get(path: string): Promise<PageResponse> {
    return this.request('GET', path);
  }

  /** Posts a form; `csrf` defaults to the token of the page last fetched from `formPage`. */
  post(path: string, fields: Record<string, string>): Promise<PageResponse> {
    return this.request('POST', path, {
      body: new URLSearchParams(fields).toString(),
      contentType: 'application/x-www-form-urlencoded',
    });
  }

  /** Loads `page` and posts `fields` with the CSRF token from its forms, as a browser would. */
  async submit(page: string, action: string, fields: Record<string, string>): Promise<PageResponse> {
    const loaded = await this.get(page);
    const token = csrfOf(loaded.html);
    return this.post(action, { _csrf: token, ...fields });
  }
}

export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]*)"/.exec(html);
  if (!match?.[1]) throw new Error('page has no CSRF token');
  return match[1];
}
