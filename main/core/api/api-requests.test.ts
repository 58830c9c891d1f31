import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createShopRequests } from './api-requests';
import { CallCancelledError, ShopRefusedError, ShopResponseInvalidError, ShopUnreachableError } from '../errors';

/**
 * The answers the real shop never gives but a proxy in front of it or a broken deployment can,
 * from a real HTTP server: what each one becomes for the console.
 */

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

const Greeting = z.object({ hello: z.string() });

describe('shop requests against answers outside the Assistance API', () => {
  const seen: Seen[] = [];
  /** Requests whose connection closed before an answer (the client aborted or timed out). */
  const abandoned: string[] = [];
  let url: string;
  let close: () => Promise<void>;

  const asJson = (value: unknown) => ({ type: 'application/json', text: JSON.stringify(value) });

  /** Each path's answer: status, content type and body. */
  const ANSWERS: Record<string, { status: number; type: string; text: string }> = {
    greeting: { status: 200, ...asJson({ hello: 'world' }) },
    refused: {
      status: 422,
      ...asJson({
        error: {
          code: 'validation_failed',
          message: 'Some fields are invalid.',
          fields: [{ path: 'q', message: 'too short' }],
        },
      }),
    },
    'proxy-error': { status: 502, type: 'text/html', text: '<html><body>Bad gateway</body></html>' },
    'not-json': { status: 200, type: 'text/html', text: '<html>maintenance</html>' },
    'wrong-shape': { status: 200, ...asJson({ hello: 42 }) },
  };

  function answer(request: IncomingMessage, response: ServerResponse, body: string): void {
    const path = new URL(request.url ?? '/', 'http://x').pathname.replace(/^.*\/api\/v1\//, '');
    seen.push({
      method: request.method ?? '',
      url: request.url ?? '',
      authorization: request.headers.authorization,
      body,
    });
    if (path === 'hang') {
      // Never answers; notes when the client gives up and closes the connection.
      response.on('close', () => abandoned.push(path));
      return;
    }
    const { status, type, text } = ANSWERS[path] ?? {
      status: 404,
      ...asJson({ error: { code: 'not_found', message: 'Not found.' } }),
    };
    response.writeHead(status, { 'content-type': type });
    response.end(text);
  }

  beforeAll(async () => {
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        answer(request, response, body);
      });
    });
    await new Promise<void>((resolve) => {
      server.listen(0, '127.0.0.1', resolve);
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      });
  });
  afterAll(async () => {
    await close();
  });

  const tokens = { accessToken: () => 'tok', refreshAccessToken: () => Promise.resolve(false) };

  it('sends the method, path, JSON body and defined query parameters, and the bearer token only where asked', async () => {
    // A shop whose Assistance API lives below a prefix (a platform plugin's): the prefix is kept.
    const requests = createShopRequests({ shopUrl: `${url}/concierge/?tab=1`, tokens });
    seen.length = 0;
    expect(
      await requests.call(
        { method: 'post', path: 'greeting', json: { a: 1 }, searchParams: { q: 'x', limit: 5, cursor: undefined } },
        Greeting,
      ),
    ).toEqual({ hello: 'world' });
    await requests.send({ method: 'put', path: 'greeting', auth: false });
    expect(seen).toEqual([
      { method: 'POST', url: '/concierge/api/v1/greeting?q=x&limit=5', authorization: 'Bearer tok', body: '{"a":1}' },
      { method: 'PUT', url: '/concierge/api/v1/greeting', authorization: undefined, body: '' },
    ]);
  });

  it("turns a refusal into the shop's code and fields, and a proxy's error page into its HTTP status", async () => {
    const requests = createShopRequests({ shopUrl: url, tokens });
    const refused = await requests.call({ method: 'get', path: 'refused' }, Greeting).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ShopRefusedError);
    expect(refused).toMatchObject({
      status: 422,
      code: 'validation_failed',
      message: 'Some fields are invalid.',
      fields: [{ path: 'q', message: 'too short' }],
    });
    const proxy = await requests.send({ method: 'get', path: 'proxy-error' }).catch((e: unknown) => e);
    expect(proxy).toBeInstanceOf(ShopRefusedError);
    expect(proxy).toMatchObject({ status: 502, code: 'http_502', message: 'The shop answered HTTP 502.' });
  });

  it('refuses answers that are not JSON or not the Assistance API, for parsed calls and for raw bytes', async () => {
    const requests = createShopRequests({ shopUrl: url, tokens });
    const notJson = await requests.call({ method: 'get', path: 'not-json' }, Greeting).catch((e: unknown) => e);
    expect(notJson).toBeInstanceOf(ShopResponseInvalidError);
    expect((notJson as Error).message).toBe("The shop's answer to GET /not-json was not JSON.");
    const wrong = await requests.call({ method: 'get', path: 'wrong-shape' }, Greeting).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(ShopResponseInvalidError);
    expect((wrong as Error).message).toMatch(
      /^The shop's answer to GET \/wrong-shape does not match the Assistance API: /,
    );
    await expect(requests.bytes({ method: 'get', path: 'not-json' })).rejects.toBeInstanceOf(ShopResponseInvalidError);
    const bytes = await requests.bytes({ method: 'get', path: 'greeting' });
    expect(new TextDecoder().decode(bytes)).toBe('{"hello":"world"}');
  });

  it("cancels on the caller's signal (before sending, or by closing the request) and times out as unreachable", async () => {
    const requests = createShopRequests({ shopUrl: url, tokens, timeoutMs: 300 });
    seen.length = 0;
    const gone = AbortSignal.abort();
    await expect(requests.call({ method: 'get', path: 'greeting', signal: gone }, Greeting)).rejects.toBeInstanceOf(
      CallCancelledError,
    );
    expect(seen).toEqual([]);

    const controller = new AbortController();
    const pending = requests.call({ method: 'get', path: 'hang', signal: controller.signal }, Greeting);
    await vi.waitFor(() => {
      expect(seen.map((s) => s.url)).toContain('/api/v1/hang');
    });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CallCancelledError);
    await vi.waitFor(() => {
      expect(abandoned).toHaveLength(1);
    });

    const slow = await requests.call({ method: 'get', path: 'hang' }, Greeting).catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(ShopUnreachableError);
    expect(slow).toMatchObject({ code: 'shop_timeout' });
    await vi.waitFor(() => {
      expect(abandoned).toHaveLength(2);
    });
  });
});
