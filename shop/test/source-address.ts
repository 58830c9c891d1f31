import { request } from 'node:http';
import type { ApiResult } from './auth-helpers';

/**
 * One real HTTP request to the API (`path` below /api/v1) from the loopback address `from`
 * (127.0.0.2, 127.0.0.3 …: Linux routes all of 127.0.0.0/8 to lo), so the shop sees a client
 * at that address.
 */
export function apiRequestFrom(
  from: string,
  shopUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResult> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  return new Promise((resolve, reject) => {
    const sent = request(
      `${shopUrl}/api/v1${path}`,
      { method, headers, localAddress: from, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const received = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) received.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          resolve({
            status: response.statusCode ?? 0,
            headers: received,
            json: text ? (JSON.parse(text) as unknown) : null,
          });
        });
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}
