import { Agent, request, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestShop, type TestShop } from './test/harness';

// The database plays no part in shutting down, so PGlite alone is enough here.
let shop: TestShop;
beforeAll(async () => {
  shop = await startTestShop('pglite');
});
afterAll(async () => {
  await shop.close();
});

it('closes a keep-alive connection that was serving a request when shutdown began, instead of holding it for keepAliveTimeout', async () => {
  const agent = new Agent({ keepAlive: true });
  const body = JSON.stringify({ email: 'nobody@demo.test', password: 'not the password' });
  const url = new URL('/api/v1/auth/login', shop.url);
  // Half the body now, so the shop has the request in hand (routed, waiting for its body) when close() starts.
  const req = request(url, {
    method: 'POST',
    agent,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const received = once(shop.app.server, 'request');
  const answered = once(req, 'response') as Promise<[IncomingMessage]>;
  req.write(body.slice(0, 10));
  await received;

  const closing = shop.app.close();
  req.end(body.slice(10));
  const [response] = await answered;
  const socketClosed = once(response.socket, 'close');
  response.resume();
  await once(response, 'end');

  // The request in flight is answered as usual, and its connection is ended after it.
  expect(response.statusCode).toBe(401);
  expect(response.headers.connection).toBe('close');
  await socketClosed;
  await closing;
  agent.destroy();
});
