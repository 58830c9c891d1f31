import type { z } from 'zod';
import {
  BROWSER_TIER_HELLO_EVENT,
  BrowserTierHello,
  IPC_EVENTS,
  ipcEvents,
  type IpcEventName,
  type IpcEventPayload,
} from '../../../shared/ipc/contract';
import type { ConsoleLinkWatch, LinkState } from './console-link';

/**
 * The browser tier's event stream (`GET {base}/ipc/events?token=`), open while anyone listens to
 * main's events or watches the link. When it drops, the stream asks `GET {base}/ipc/hello` which
 * run answers, if any (EventSource hides the reason): nobody → `unreachable`, asked again every
 * `retryMs`; 401 → `refused`, for good; a run → its hello, and the stream reopens after `retryMs`.
 */
export interface EventStreamOptions {
  base: string;
  token: string;
  fetch: typeof fetch;
  createEventSource: (url: string) => EventSource;
  link: LinkState;
  retryMs: number;
}

type Listener = (payload: unknown) => void;

function parseData<T>(event: Event, schema: z.ZodType<T>): T | null {
  if (!(event instanceof MessageEvent) || typeof event.data !== 'string') return null;
  let data: unknown;
  try {
    data = JSON.parse(event.data);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(data);
  return parsed.success ? parsed.data : null;
}

export function createEventStream(options: EventStreamOptions) {
  const { link } = options;
  const listeners = new Map<IpcEventName, Set<Listener>>();
  let watchers = 0;
  let source: EventSource | null = null;
  // Set while the stream is down and a check or a reopen is pending: nothing opens it meanwhile.
  let waiting = false;

  const wanted = () => watchers > 0 || [...listeners.values()].some((set) => set.size > 0);

  function open(): void {
    if (source || waiting || !wanted()) return;
    const opened = options.createEventSource(`${options.base}/ipc/events?token=${encodeURIComponent(options.token)}`);
    source = opened;
    opened.addEventListener(BROWSER_TIER_HELLO_EVENT, (event) => {
      const hello = parseData(event, BrowserTierHello);
      if (hello) link.hello(hello.instanceId);
    });
    for (const name of IPC_EVENTS) {
      opened.addEventListener(name, (event) => {
        const payload = parseData(event, ipcEvents[name] as z.ZodType);
        if (payload === null) return;
        for (const listener of listeners.get(name) ?? []) listener(payload);
      });
    }
    opened.addEventListener('error', () => {
      // EventSource would retry on its own and never say why it failed: take over.
      opened.close();
      if (source === opened) source = null;
      waiting = true;
      void check();
    });
  }

  function later(step: () => void): void {
    setTimeout(step, options.retryMs);
  }

  async function check(): Promise<void> {
    let status = 0;
    let body: unknown = null;
    try {
      const response = await options.fetch(`${options.base}/ipc/hello`, {
        headers: { 'x-concierge-token': options.token },
      });
      status = response.status;
      body = await response.json().catch(() => null);
    } catch {
      // Nothing listens on the console's address: it is not running.
    }
    const hello = status === 200 ? BrowserTierHello.safeParse(body) : null;
    if (hello?.success) {
      link.hello(hello.data.instanceId);
      later(() => {
        waiting = false;
        open();
      });
    } else if (status === 401) {
      link.refused();
    } else {
      link.unreachable();
      later(() => void check());
    }
  }

  function closeIfUnwanted(): void {
    if (wanted() || !source) return;
    source.close();
    source = null;
  }

  function on<E extends IpcEventName>(event: E, listener: (payload: IpcEventPayload<E>) => void): () => void {
    const set = listeners.get(event) ?? new Set<Listener>();
    listeners.set(event, set);
    const wrapped: Listener = (payload) => {
      listener(payload as IpcEventPayload<E>);
    };
    set.add(wrapped);
    open();
    return () => {
      set.delete(wrapped);
      closeIfUnwanted();
    };
  }

  const watch: ConsoleLinkWatch = {
    current: () => link.current(),
    subscribe(listener) {
      watchers += 1;
      const off = link.subscribe(listener);
      open();
      return () => {
        off();
        watchers -= 1;
        closeIfUnwanted();
      };
    },
  };

  return { on, link: watch };
}
