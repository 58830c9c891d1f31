import { describe, expect, it } from 'vitest';
import { createHttpBridge } from './http-bridge';
import { signedIn } from '../test/fixtures';

/**
 * The HTTP carriage's own rules (URL, headers, envelopes, event parsing), with test doubles of
 * fetch and EventSource; e2e/browser runs the same bridge against the real browser-tier server.
 */
function recordingFetch(answer: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const requests: { url: string; init: RequestInit }[] = [];
  const fetchDouble = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    requests.push({ url, init: init ?? {} });
    return Promise.resolve(answer(url, init ?? {}));
  };
  return { fetch: fetchDouble, requests };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('http bridge', () => {
  it('posts each call to /ipc/<channel> with the token and returns the IpcResponse', async () => {
    const state = signedIn('agent');
    const f = recordingFetch(() => json(200, { ok: true, value: state }));
    const bridge = createHttpBridge({ baseUrl: 'http://127.0.0.1:5000/', token: 'abc', fetch: f.fetch });
    expect(await bridge['auth.state']({})).toEqual({ ok: true, value: state });
    expect(f.requests[0]?.url).toBe('http://127.0.0.1:5000/ipc/auth.state');
    expect(f.requests[0]?.init.method).toBe('POST');
    expect(new Headers(f.requests[0]?.init.headers).get('x-concierge-token')).toBe('abc');
    expect(f.requests[0]?.init.body).toBe('{}');
  });

  it('passes refusals through and turns transport failures into typed errors', async () => {
    const refusal = { ok: false, error: { kind: 'shop', code: 'consent_required', message: 'no consent' } };
    let answer: () => Response = () => json(200, refusal);
    const bridge = createHttpBridge({ baseUrl: 'http://x', token: 't', fetch: recordingFetch(() => answer()).fetch });
    expect(await bridge['shop.customer']({ id: 'cus_1' })).toEqual(refusal);
    answer = () => json(401, { error: { code: 'bad_token', message: 'Missing or wrong console token.' } });
    expect(await bridge['shop.customer']({ id: 'cus_1' })).toEqual({ ok: false, error: { kind: 'auth', code: 'bad_token', message: 'Missing or wrong console token.' } });
    answer = () => new Response('<html>', { status: 502 });
    expect(await bridge['shop.customer']({ id: 'cus_1' })).toMatchObject({ ok: false, error: { kind: 'internal', code: 'bad_response' } });
    answer = () => { throw new TypeError('Failed to fetch'); };
    expect(await bridge['shop.customer']({ id: 'cus_1' })).toEqual({ ok: false, error: { kind: 'network', code: 'console_unreachable', message: 'Failed to fetch' } });
  });

  it('aborts the request when the call\'s signal fires, and answers cancelled at once', async () => {
    const signals: AbortSignal[] = [];
    // A server that never answers: only the abort can end the request.
    const hanging = (_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        const signal = init?.signal;
        if (!signal) return;
        signals.push(signal);
        signal.addEventListener('abort', () => { reject(new DOMException('The operation was aborted.', 'AbortError')); });
      });
    const bridge = createHttpBridge({ baseUrl: 'http://x', token: 't', fetch: hanging });
    const controller = new AbortController();
    const pending = bridge['shop.searchCustomers']({ q: 'smith', limit: 25 }, { signal: controller.signal });
    controller.abort();
    expect(await pending).toEqual({ ok: false, error: { kind: 'internal', code: 'cancelled', message: 'The request was cancelled.' } });
    expect(signals.map((s) => s.aborted)).toEqual([true]);
    // Already aborted: nothing is sent.
    expect(await bridge['shop.searchCustomers']({ q: 'smithe' }, { signal: controller.signal })).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(signals).toHaveLength(1);
  });

  it('delivers valid server-sent events to listeners and closes the stream when none are left', () => {
    const sources: { url: string; listeners: Map<string, (e: Event) => void>; closed: boolean }[] = [];
    const createEventSource = (url: string) => {
      const source = { url, listeners: new Map<string, (e: Event) => void>(), closed: false };
      sources.push(source);
      return {
        addEventListener: (name: string, fn: (e: Event) => void) => { source.listeners.set(name, fn); },
        close: () => { source.closed = true; },
      } as unknown as EventSource;
    };
    const bridge = createHttpBridge({ baseUrl: 'http://x', token: 't k', fetch: recordingFetch(() => json(200, {})).fetch, createEventSource });
    const seen: unknown[] = [];
    const off = bridge.on('auth.changed', (s) => { seen.push(s); });
    expect(sources[0]?.url).toBe('http://x/ipc/events?token=t%20k');
    const deliver = (name: string, data: string) => sources[0]?.listeners.get(name)?.(new MessageEvent(name, { data }));
    deliver('auth.changed', JSON.stringify(signedIn('agent')));
    deliver('auth.changed', '{"status":"nonsense"}');
    deliver('auth.changed', 'not json');
    expect(seen).toEqual([signedIn('agent')]);
    off();
    expect(sources[0]?.closed).toBe(true);
  });
});
