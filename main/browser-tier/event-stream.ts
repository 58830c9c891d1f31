import type { ServerResponse } from 'node:http';
import {
  BROWSER_TIER_HELLO_EVENT,
  type BrowserTierHello,
  type IpcEventName,
  type IpcEventPayload,
} from '../../shared/ipc/contract';
import type { ConsoleCore, EventSink } from '../core/console-core';

/**
 * `GET /ipc/events`: the core's events as Server-Sent Events, to every open stream. A new stream
 * hears `hello` (which run this is) first, then what `greet` sends it.
 */

export interface EventStreams {
  /** The core's event sink: one frame to every open stream. */
  emit: EventSink;
  /** Answers an events request with a stream that stays open until the page closes it. */
  open(res: ServerResponse): void;
  /** Ends every open stream (server stop). */
  endAll(): void;
}

export interface EventStreamsOptions {
  hello: BrowserTierHello;
  /** Tells one new stream the current state. */
  greet: (send: EventSink) => void;
}

const PING_INTERVAL_MS = 15_000;

function frame(event: string, payload: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

export function createEventStreams(options: EventStreamsOptions): EventStreams {
  const streams = new Set<ServerResponse>();
  return {
    emit: <E extends IpcEventName>(event: E, payload: IpcEventPayload<E>) => {
      const text = frame(event, payload);
      for (const res of streams) res.write(text);
    },
    open(res) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`: connected\n\n${frame(BROWSER_TIER_HELLO_EVENT, options.hello)}`);
      streams.add(res);
      // A comment line now and then keeps proxies and the browser from closing an idle stream.
      const ping = setInterval(() => res.write(': ping\n\n'), PING_INTERVAL_MS);
      ping.unref();
      res.on('close', () => {
        clearInterval(ping);
        streams.delete(res);
      });
      options.greet((event, payload) => res.write(frame(event, payload)));
    },
    endAll() {
      for (const res of streams) res.end();
      streams.clear();
    },
  };
}

/** What a new stream is told first: the sign-in state, the open sessions, the recovery notice. */
export function greetWithCurrentState(core: ConsoleCore, send: EventSink, log: (message: string) => void): void {
  core.auth.state().then(
    (state) => {
      send('auth.changed', state);
      send('sessions.changed', core.sessions.list());
      send('sessions.recovery', { notice: core.recovery.notice() });
    },
    (error: unknown) => {
      log(`reading the sign-in state for a new event stream failed: ${String(error)}`);
    },
  );
}
