import { describe, expect, it, vi } from 'vitest';
import type { ConsoleLink } from '../../../shared/ipc/contract';
import { createHttpBridge, type HttpBridge } from './http-bridge';
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

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

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
    expect(await bridge['shop.customer']({ id: 'cus_1' })).toEqual({
      ok: false,
      error: { kind: 'auth', code: 'bad_token', message: 'Missing or wrong console token.' },
    });
    answer = () => new Response('<html>', { status: 502 });
    expect(await bridge['shop.customer']({ id: 'cus_1' })).toMatchObject({
      ok: false,
      error: { kind: 'internal', code: 'bad_response' },
    });
    answer = () => {
      throw new TypeError('Failed to fetch');
    };
    expect(await bridge['shop.customer']({ id: 'cus_1' })).toEqual({
      ok: false,
      error: { kind: 'network', code: 'console_unreachable', message: 'Failed to fetch' },
    });
  });

  it("aborts the request when the call's signal fires, and answers cancelled at once", async () => {
    const signals: AbortSignal[] = [];
    // A server that never answers: only the abort can end the request.
    const hanging = (_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        const signal = init?.signal;
        if (!signal) return;
        signals.push(signal);
        signal.addEventListener('abort', () => {
          reject(new DOMException('The operation was aborted.', 'AbortError'));
        });
      });
    const bridge = createHttpBridge({ baseUrl: 'http://x', token: 't', fetch: hanging });
    const controller = new AbortController();
    const pending = bridge['shop.searchCustomers']({ q: 'smith', limit: 25 }, { signal: controller.signal });
    controller.abort();
    expect(await pending).toEqual({
      ok: false,
      error: { kind: 'internal', code: 'cancelled', message: 'The request was cancelled.' },
    });
    expect(signals.map((s) => s.aborted)).toEqual([true]);
    // Already aborted: nothing is sent.
    expect(await bridge['shop.searchCustomers']({ q: 'smithe' }, { signal: controller.signal })).toMatchObject({
      ok: false,
      error: { code: 'cancelled' },
    });
    expect(signals).toHaveLength(1);
  });

  it('delivers valid server-sent events to listeners and closes the stream when none are left', () => {
    const sources: { url: string; listeners: Map<string, (e: Event) => void>; closed: boolean }[] = [];
    const createEventSource = (url: string) => {
      const source = { url, listeners: new Map<string, (e: Event) => void>(), closed: false };
      sources.push(source);
      return {
        addEventListener: (name: string, fn: (e: Event) => void) => {
          source.listeners.set(name, fn);
        },
        close: () => {
          source.closed = true;
        },
      } as unknown as EventSource;
    };
    const bridge = createHttpBridge({
      baseUrl: 'http://x',
      token: 't k',
      fetch: recordingFetch(() => json(200, {})).fetch,
      createEventSource,
    });
    const seen: unknown[] = [];
    const off = bridge.on('auth.changed', (s) => {
      seen.push(s);
    });
    expect(sources[0]?.url).toBe('http://x/ipc/events?token=t%20k');
    const deliver = (name: string, data: string) => sources[0]?.listeners.get(name)?.(new MessageEvent(name, { data }));
    deliver('auth.changed', JSON.stringify(signedIn('agent')));
    deliver('auth.changed', '{"status":"nonsense"}');
    deliver('auth.changed', 'not json');
    expect(seen).toEqual([signedIn('agent')]);
    off();
    expect(sources[0]?.closed).toBe(true);
  });

  it('fetches an export the console hands over as a download and gives it to the browser once', async () => {
    const downloadId = 'c'.repeat(32);
    const answer = {
      ok: true,
      value: { count: 2, delivery: { kind: 'download', downloadId, fileName: 'concierge-audit-1.csv' } },
    };
    let exportFile = () =>
      new Response('seq,id\n1,a\n2,b\n', { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' } });
    const f = recordingFetch((url) => (url.endsWith('/ipc/audit.export') ? json(200, answer) : exportFile()));
    const saved: { text: string; fileName: string }[] = [];
    const texts: Promise<void>[] = [];
    const bridge = createHttpBridge({
      baseUrl: 'http://x',
      token: 't',
      fetch: f.fetch,
      saveFile: (file, fileName) => {
        texts.push(
          file.text().then((text) => {
            saved.push({ text, fileName });
          }),
        );
      },
    });
    expect(await bridge['audit.export']({ filter: {}, format: 'csv' })).toEqual(answer);
    await Promise.all(texts);
    expect(saved).toEqual([{ text: 'seq,id\n1,a\n2,b\n', fileName: 'concierge-audit-1.csv' }]);
    expect(f.requests.map((r) => r.url)).toEqual(['http://x/ipc/audit.export', `http://x/exports/${downloadId}`]);
    expect(new Headers(f.requests[1]?.init.headers).get('x-concierge-token')).toBe('t');

    exportFile = () => json(404, { error: { code: 'no_download', message: 'No such export.' } });
    expect(await bridge['audit.export']({ filter: {}, format: 'csv' })).toEqual({
      ok: false,
      error: { kind: 'internal', code: 'no_download', message: 'No such export.' },
    });
    expect(saved).toHaveLength(1);
  });

  it('leaves a saved export (Electron-style answer) alone', async () => {
    const answer = { ok: true, value: { count: 2, delivery: { kind: 'saved', path: '/tmp/a.csv' } } };
    const f = recordingFetch(() => json(200, answer));
    const bridge = createHttpBridge({
      baseUrl: 'http://x',
      token: 't',
      fetch: f.fetch,
      saveFile: () => {
        throw new Error('nothing to save');
      },
    });
    expect(await bridge['audit.export']({ filter: {}, format: 'csv' })).toEqual(answer);
    expect(f.requests).toHaveLength(1);
  });
});

/** EventSource doubles the test drives: events by name, and a drop (`error`). */
function eventSources() {
  const sources: {
    url: string;
    listeners: Map<string, (e: Event) => void>;
    closed: boolean;
    send: (name: string, data: unknown) => void;
    drop: () => void;
  }[] = [];
  const create = (url: string) => {
    const listeners = new Map<string, (e: Event) => void>();
    const source = {
      url,
      listeners,
      closed: false,
      send: (name: string, data: unknown) =>
        listeners.get(name)?.(new MessageEvent(name, { data: JSON.stringify(data) })),
      drop: () => listeners.get('error')?.(new Event('error')),
    };
    sources.push(source);
    return {
      addEventListener: (name: string, fn: (e: Event) => void) => {
        listeners.set(name, fn);
      },
      close: () => {
        source.closed = true;
      },
    } as unknown as EventSource;
  };
  return { create, sources };
}

function watch(bridge: HttpBridge): ConsoleLink[] {
  const seen: ConsoleLink[] = [];
  bridge.link.subscribe(() => {
    seen.push(bridge.link.current());
  });
  return seen;
}

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

describe('http bridge: the link to the console', () => {
  it('notices the console stopping and a different run answering after it', async () => {
    const es = eventSources();
    let hello: () => Response = () => {
      throw new TypeError('Failed to fetch');
    };
    const f = recordingFetch((url) => (url.endsWith('/ipc/hello') ? hello() : json(200, {})));
    const bridge = createHttpBridge({
      baseUrl: 'http://x',
      token: 't',
      fetch: f.fetch,
      createEventSource: es.create,
      retryMs: 10,
    });
    const seen = watch(bridge);
    expect(bridge.link.current()).toBe('connecting');
    expect(es.sources).toHaveLength(1);
    es.sources[0]?.send('hello', { instanceId: A });
    expect(bridge.link.current()).toBe('connected');
    es.sources[0]?.send('hello', { instanceId: 'not an id' });
    expect(bridge.link.current()).toBe('connected');

    // The stream drops and nothing answers: the console is not running; the bridge keeps asking.
    es.sources[0]?.drop();
    expect(es.sources[0]?.closed).toBe(true);
    await vi.waitFor(() => {
      expect(bridge.link.current()).toBe('stopped');
    });
    await vi.waitFor(() => {
      expect(f.requests.filter((r) => r.url === 'http://x/ipc/hello').length).toBeGreaterThan(2);
    });
    expect(new Headers(f.requests[0]?.init.headers).get('x-concierge-token')).toBe('t');
    expect(es.sources).toHaveLength(1);

    // Another run answers: the page's state is stale; the stream reopens and its hello agrees.
    hello = () => json(200, { instanceId: B });
    await vi.waitFor(() => {
      expect(bridge.link.current()).toBe('restarted');
    });
    await vi.waitFor(() => {
      expect(es.sources).toHaveLength(2);
    });
    es.sources[1]?.send('hello', { instanceId: B });
    expect(bridge.link.current()).toBe('restarted');
    expect(seen).toEqual(['connected', 'stopped', 'restarted']);
  });

  it('reconnects quietly when the same run answers again', async () => {
    const es = eventSources();
    const f = recordingFetch(() => json(200, { instanceId: A }));
    const bridge = createHttpBridge({
      baseUrl: 'http://x',
      token: 't',
      fetch: f.fetch,
      createEventSource: es.create,
      retryMs: 10,
    });
    const seen = watch(bridge);
    const events: unknown[] = [];
    bridge.on('auth.changed', (state) => {
      events.push(state);
    });
    es.sources[0]?.send('hello', { instanceId: A });
    es.sources[0]?.drop();
    await vi.waitFor(() => {
      expect(es.sources).toHaveLength(2);
    });
    es.sources[1]?.send('hello', { instanceId: A });
    es.sources[1]?.send('auth.changed', signedIn('agent'));
    expect(bridge.link.current()).toBe('connected');
    expect(seen).toEqual(['connected']);
    expect(events).toEqual([signedIn('agent')]);
  });

  it('says the token changed when the console refuses it, to a call or to the reconnecting stream', async () => {
    const refusedToken = () => json(401, { error: { code: 'bad_token', message: 'Missing or wrong console token.' } });
    const es = eventSources();
    const calls = createHttpBridge({
      baseUrl: 'http://x',
      token: 't',
      fetch: recordingFetch(refusedToken).fetch,
      createEventSource: es.create,
      retryMs: 10,
    });
    watch(calls);
    es.sources[0]?.send('hello', { instanceId: A });
    expect(await calls['auth.state']({})).toMatchObject({ ok: false, error: { kind: 'auth', code: 'bad_token' } });
    expect(calls.link.current()).toBe('token_changed');

    const es2 = eventSources();
    const f = recordingFetch(refusedToken);
    const stream = createHttpBridge({
      baseUrl: 'http://x',
      token: 't',
      fetch: f.fetch,
      createEventSource: es2.create,
      retryMs: 10,
    });
    watch(stream);
    es2.sources[0]?.drop();
    await vi.waitFor(() => {
      expect(stream.link.current()).toBe('token_changed');
    });
    // Reloading will not help and neither will asking again.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(f.requests).toHaveLength(1);
    expect(es2.sources).toHaveLength(1);
  });
});
