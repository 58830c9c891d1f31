import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { STREAM_DATA, StreamEventName, type StreamMessage } from '../../../shared/api/events';
import { apiBaseOf } from '../../../shared/shop-address';
import type { TokenSource } from './api-requests';

/** `connecting` before the first `ready`, `live` while told at once, `reconnecting` after a drop, `stopped` at the end. */
export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface EventStreamOptions {
  /** The shop's address; the stream is `GET <address>/api/v1/events`. */
  shopUrl: string;
  tokens: TokenSource;
  onMessage: (message: StreamMessage) => void;
  onState: (state: StreamState) => void;
  log?: (message: string) => void;
  fetch?: typeof fetch;
  /** First wait before reconnecting; doubled after each failure up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

export interface EventStream {
  state(): StreamState;
  stop(): void;
}

/**
 * The shop's event stream, kept open: reconnects after any drop with a growing wait, resumes
 * from the last message's id (`Last-Event-ID`), refreshes the access token once when the shop
 * says it expired, and stops when the sign-in is gone. Messages are checked against the shared
 * schemas; one that is not is skipped and logged.
 */
export function openEventStream(options: EventStreamOptions): EventStream {
  const doFetch = options.fetch ?? fetch;
  const firstRetry = options.retryMs ?? 1_000;
  const maxRetry = options.maxRetryMs ?? 30_000;
  const controller = new AbortController();
  let state: StreamState = 'connecting';
  let lastId: string | null = null;
  let retry = firstRetry;

  const setState = (next: StreamState) => {
    if (state === next || state === 'stopped') return;
    state = next;
    options.onState(next);
  };
  const deliver = (message: EventSourceMessage) => {
    const name = StreamEventName.safeParse(message.event);
    if (!name.success) return;
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch {
      options.log?.(`event stream: ${name.data} message is not JSON`);
      return;
    }
    const parsed = STREAM_DATA[name.data].safeParse(data);
    if (!parsed.success || message.id === undefined) {
      options.log?.(`event stream: ${name.data} message outside the contract`);
      return;
    }
    lastId = message.id;
    if (name.data === 'ready') {
      retry = firstRetry;
      setState('live');
    }
    options.onMessage({ event: name.data, id: Number(message.id), data: parsed.data } as StreamMessage);
  };

  /** One connection, read to its end. Resolves false when the sign-in is gone (stop for good). */
  const connectOnce = async (): Promise<boolean> => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const token = options.tokens.accessToken();
      if (token === null) return false;
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
      if (lastId !== null) headers['last-event-id'] = lastId;
      const response = await doFetch(`${apiBaseOf(options.shopUrl)}events`, {
        headers,
        signal: controller.signal,
      });
      if (response.status === 401 && attempt === 0) {
        await response.body?.cancel();
        if (!(await options.tokens.refreshAccessToken())) return false;
        continue;
      }
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        throw new Error(`the shop answered HTTP ${String(response.status)}`);
      }
      const parser = createParser({
        onEvent: deliver,
        onRetry: (ms) => {
          retry = Math.max(ms, firstRetry);
        },
      });
      const decoder = new TextDecoder();
      for await (const chunk of response.body) parser.feed(decoder.decode(chunk, { stream: true }));
      return true;
    }
    return false;
  };

  // A function, so each check reads the signal anew after an await.
  const stopped = () => controller.signal.aborted;
  const run = async () => {
    while (!stopped()) {
      let signedIn = true;
      try {
        signedIn = await connectOnce();
      } catch (error) {
        if (stopped()) break;
        options.log?.(`event stream dropped: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!signedIn || stopped()) break;
      setState('reconnecting');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, retry);
        controller.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
      retry = Math.min(retry * 2, maxRetry);
    }
    setState('stopped');
  };
  void run();

  return {
    state: () => state,
    stop: () => {
      controller.abort();
      setState('stopped');
    },
  };
}
