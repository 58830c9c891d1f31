import { z } from 'zod';
import {
  IPC_CHANNELS,
  IPC_EVENTS,
  IpcError,
  type ConsoleBridge,
  type IpcCallOptions,
  type IpcEventName,
  type IpcEventPayload,
} from '../../../shared/ipc/contract';
import { ipcEvents } from '../../../shared/ipc/contract';

/**
 * ConsoleBridge over the browser tier's HTTP carriage of the IPC contract:
 * `POST {base}/ipc/<channel>` with JSON args and `x-concierge-token` → IpcResponse JSON, and main's
 * events as Server-Sent Events at `GET {base}/ipc/events?token=` (`event: <name>`, JSON data).
 * A call's `signal` aborts its request; the server then cancels the call (and its shop request),
 * and the call answers `{ok:false, error:{code:'cancelled'}}` without waiting.
 */
export interface HttpBridgeOptions {
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  createEventSource?: (url: string) => EventSource;
}

type Listener = (payload: unknown) => void;

function failure(kind: IpcError['kind'], code: string, message: string) {
  return { ok: false as const, error: { kind, code, message } };
}

const TransportError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** The IpcResponse in a 200 answer; a transport refusal (bad token, unknown call…) otherwise. */
function envelope(status: number, body: unknown): { ok: true; value: unknown } | { ok: false; error: IpcError } {
  if (status === 200 && typeof body === 'object' && body !== null && 'ok' in body) {
    if (body.ok === true && 'value' in body) return { ok: true, value: body.value };
    if (body.ok === false && 'error' in body) {
      const error = IpcError.safeParse(body.error);
      if (error.success) return { ok: false, error: error.data };
    }
  }
  const transport = TransportError.safeParse(body);
  if (status !== 200 && transport.success) return failure(status === 401 ? 'auth' : 'internal', transport.data.error.code, transport.data.error.message);
  return failure('internal', 'bad_response', `The console service sent an answer it could not read (HTTP ${status}).`);
}

export function createHttpBridge(options: HttpBridgeOptions): ConsoleBridge {
  const base = options.baseUrl.replace(/\/$/, '');
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const createEventSource = options.createEventSource ?? ((url: string) => new EventSource(url));

  async function invoke(channel: string, args: unknown, callOptions?: IpcCallOptions) {
    const signal = callOptions?.signal;
    const cancelled = () => failure('internal', 'cancelled', 'The request was cancelled.');
    if (signal?.aborted) return cancelled();
    let response: Response;
    try {
      response = await doFetch(`${base}/ipc/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-concierge-token': options.token },
        body: JSON.stringify(args),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) return cancelled();
      return failure('network', 'console_unreachable', error instanceof Error ? error.message : 'request failed');
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      if (signal?.aborted) return cancelled();
      return failure('internal', 'bad_response', `The console service answered ${response.status} without a readable body.`);
    }
    return envelope(response.status, body);
  }

  const listeners = new Map<IpcEventName, Set<Listener>>();
  let source: EventSource | null = null;

  function ensureSource(): void {
    if (source) return;
    source = createEventSource(`${base}/ipc/events?token=${encodeURIComponent(options.token)}`);
    for (const name of IPC_EVENTS) {
      source.addEventListener(name, (event) => {
        if (!(event instanceof MessageEvent) || typeof event.data !== 'string') return;
        let data: unknown;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        const parsed = ipcEvents[name].safeParse(data);
        if (!parsed.success) return;
        for (const listener of listeners.get(name) ?? []) listener(parsed.data);
      });
    }
  }

  function on<E extends IpcEventName>(event: E, listener: (payload: IpcEventPayload<E>) => void): () => void {
    ensureSource();
    const set = listeners.get(event) ?? new Set<Listener>();
    listeners.set(event, set);
    const wrapped: Listener = (payload) => { listener(payload as IpcEventPayload<E>); };
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
      const anyLeft = [...listeners.values()].some((s) => s.size > 0);
      if (!anyLeft && source) {
        source.close();
        source = null;
      }
    };
  }

  const calls = Object.fromEntries(IPC_CHANNELS.map((channel) => [channel, (args: unknown, callOptions?: IpcCallOptions) => invoke(channel, args, callOptions)]));
  // Every channel maps to the same generic carrier; the contract's types are restored here once.
  return Object.freeze({ ...calls, on }) as unknown as ConsoleBridge;
}
