/**
 * The scale part's simulated consoles, in a process of their own (so their work is not counted as
 * the shop's): `stream` — each console keeps the shop's event stream open, as main/core/live-updates.ts
 * does; `poll` — each console polls as it did before the stream (open session every 3 s, the live
 * list every 3 s for supervisors, an audit peek every 30 s). Both renew their sessions' leases and
 * search once a minute; `base` does only that, so the updates' own cost is the difference. Talks to its parent over IPC: `ready`, `told` (an end reached a console), `stats`.
 */
import { Agent, request } from 'node:http';
import { openEventStream, type EventStream } from '../main/core/api/event-stream';
import { AUDIT_PEEK_MS, LEASE_RENEW_MS, LIVE_LIST_MS, SEARCH_EVERY_MS, SESSION_POLL_MS } from './scale-settings';

export interface SimulatedConsole {
  token: string;
  supervisor: boolean;
  sessionId: string | null;
}

export interface ConsolesConfig {
  shopUrl: string;
  /** `base`: the lease renewals and searches alone, what both other modes do besides their updates. */
  mode: 'base' | 'stream' | 'poll';
  consoles: SimulatedConsole[];
  searchTerms: string[];
}

export type ConsolesMessage =
  | { type: 'ready' }
  | { type: 'told'; sessionId: string; at: number }
  | { type: 'stats'; requests: number; errors: number };

const send = (message: ConsolesMessage) => process.send?.(message);
let requests = 0;
let errors = 0;
const keepAlive = new Agent({ keepAlive: true, maxSockets: 64 });

/** One API request on a kept-alive connection; the body is read and dropped. */
function call(shopUrl: string, token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<string> {
  requests += 1;
  return new Promise((resolve) => {
    const req = request(
      `${shopUrl}/api/v1${path}`,
      {
        method,
        agent: keepAlive,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.on('end', () => {
          if ((response.statusCode ?? 500) >= 400) errors += 1;
          resolve(text);
        });
      },
    );
    req.on('error', () => {
      errors += 1;
      resolve('');
    });
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

/** `fn` every `everyMs`, first after a random part of it, so a thousand consoles do not tick together. */
function every(everyMs: number, fn: () => void): NodeJS.Timeout {
  const timer = setTimeout(() => {
    fn();
    timers.push(setInterval(fn, everyMs));
  }, Math.random() * everyMs);
  return timer;
}
const timers: NodeJS.Timeout[] = [];

function run(config: ConsolesConfig): void {
  const { shopUrl } = config;
  const streams: EventStream[] = [];
  let live = 0;
  const told = new Set<string>();
  // An ended session's console stops renewing its lease, as main/core does.
  const ended = new Set<string>();
  const tell = (sessionId: string) => {
    if (told.has(sessionId)) return;
    told.add(sessionId);
    ended.add(sessionId);
    send({ type: 'told', sessionId, at: Date.now() });
  };
  for (const [index, c] of config.consoles.entries()) {
    const term = config.searchTerms[index % config.searchTerms.length] ?? 'smith';
    timers.push(every(SEARCH_EVERY_MS, () => void call(shopUrl, c.token, 'GET', `/customers?q=${term}&limit=20`)));
    if (c.sessionId) {
      const id = c.sessionId;
      timers.push(
        every(LEASE_RENEW_MS, () => {
          if (!ended.has(id))
            void call(shopUrl, c.token, 'POST', `/assist-sessions/${id}/heartbeat`, { activity: false });
        }),
      );
    }
    if (config.mode === 'stream') {
      const stream = openEventStream({
        shopUrl,
        tokens: { accessToken: () => c.token, refreshAccessToken: () => Promise.resolve(false) },
        onMessage: (m) => {
          if (m.event === 'session' && m.data.id === c.sessionId && m.data.status === 'ended') tell(m.data.id);
        },
        onState: (state) => {
          if (state !== 'live') return;
          live += 1;
          if (live === config.consoles.length) send({ type: 'ready' });
        },
      });
      streams.push(stream);
      continue;
    }
    if (config.mode === 'base') continue;
    if (c.sessionId) {
      const id = c.sessionId;
      timers.push(
        every(SESSION_POLL_MS, () => {
          void call(shopUrl, c.token, 'GET', `/assist-sessions/${id}`).then((text) => {
            if (text.includes('"status":"ended"')) tell(id);
          });
        }),
      );
    }
    if (c.supervisor)
      timers.push(
        every(LIVE_LIST_MS, () => void call(shopUrl, c.token, 'GET', '/assist-sessions?status=active&limit=200')),
      );
    let head = 0;
    timers.push(
      every(AUDIT_PEEK_MS, () => {
        void call(shopUrl, c.token, 'GET', `/audit/events?after=${String(head)}&limit=1`).then((text) => {
          const match = /"head":\{"seq":(\d+)/.exec(text);
          if (match?.[1]) head = Number(match[1]);
        });
      }),
    );
  }
  if (config.mode !== 'stream') send({ type: 'ready' });
  process.on('message', (message: unknown) => {
    if (message !== 'stop') return;
    for (const timer of timers) clearTimeout(timer);
    for (const stream of streams) stream.stop();
    send({ type: 'stats', requests, errors });
    setTimeout(() => process.exit(0), 200);
  });
}

process.once('message', (config: unknown) => {
  run(config as ConsolesConfig);
});
