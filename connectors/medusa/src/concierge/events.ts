import type { IncomingMessage, ServerResponse } from 'node:http';
import { LastEventId, type AssistSession, type Staff, type StreamMessage } from '../protocol/protocol';
import { authenticate } from './auth/guard';
import type { Deps } from './deps';
import { ApiError } from './errors';
import { sendJson } from './router';
import { SESSION_COLUMNS, toAssistSession, type SessionRow } from './sessions/row';
import type { SignedInStaff } from './staff';

/**
 * `GET /api/v1/events` (Server-Sent Events): what a console must know at once, derived from the
 * audit log as the Assistance API defines it (each message's id is an audit seq). One poller per
 * process reads new events once a second and fans them out; the reference shop is woken by
 * PostgreSQL NOTIFY instead, which this connector leaves for later.
 */
const POLL_MS = 1000;
const KEEP_ALIVE_MS = 15_000;
const RETRY_MS = 2000;
const BATCH = 500;

interface FeedEvent {
  seq: number;
  action: string;
  actor_id: string | null;
  session_id: string | null;
}

/** New events, with the sessions they touch as those now stand (read once for every stream). */
interface Batch {
  events: readonly FeedEvent[];
  sessions: ReadonlyMap<string, AssistSession>;
}

type Listener = (batch: Batch) => Promise<void>;

async function batchOf(deps: Deps, events: readonly FeedEvent[]): Promise<Batch> {
  const ids = [...new Set(events.flatMap((e) => (e.session_id ? [e.session_id] : [])))];
  const rows =
    ids.length === 0
      ? []
      : await deps.db.query<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM concierge_session WHERE id = ANY(?)`, [ids]);
  return { events, sessions: new Map(rows.map((row) => [row.id, toAssistSession(row)])) };
}

const readAfter = (deps: Deps, after: number) =>
  deps.db.query<FeedEvent>(
    'SELECT seq, action, actor_id, session_id FROM concierge_audit_event WHERE seq > ? ORDER BY seq LIMIT ?',
    [after, BATCH],
  );

/**
 * Reads new audit events for every open stream: from the oldest cursor among them, each stream
 * given only what comes after its own cursor (the head it said "ready" at, then what it was sent).
 */
export function createEventFeed(deps: Deps) {
  const cursors = new Map<Listener, number>();
  let timer: NodeJS.Timeout | null = null;
  const poll = async () => {
    try {
      for (;;) {
        if (cursors.size === 0) break;
        const from = Math.min(...cursors.values());
        const events = await readAfter(deps, from);
        if (events.length === 0) break;
        const last = events.at(-1)?.seq ?? from;
        const batch = await batchOf(deps, events);
        await Promise.all(
          [...cursors].map(async ([listener, after]) => {
            const fresh = batch.events.filter((e) => e.seq > after);
            if (cursors.has(listener)) cursors.set(listener, Math.max(after, last));
            if (fresh.length > 0) await listener({ events: fresh, sessions: batch.sessions });
          }),
        );
        if (events.length < BATCH) break;
      }
    } catch (error) {
      deps.logger.error(`concierge: event feed read failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    timer = cursors.size > 0 ? setTimeout(() => void poll(), POLL_MS) : null;
  };
  return {
    /** Follows the log for `listener` from after `after` (the head it was told). */
    add(listener: Listener, after: number) {
      cursors.set(listener, after);
      timer ??= setTimeout(() => void poll(), POLL_MS);
    },
    remove(listener: Listener) {
      cursors.delete(listener);
    },
  };
}

const canReadAllSessions = (staff: Staff) => staff.permissions.includes('sessions.read.all');

/** A batch as this reader may see it: each session once as it now stands, then the newest event they may read. */
function messagesFor(staff: Staff, { events, sessions }: Batch): StreamMessage[] {
  const messages: StreamMessage[] = [];
  const lastOfSession = new Map<string, number>();
  for (const e of events) if (e.session_id) lastOfSession.set(e.session_id, e.seq);
  const readAll = staff.permissions.includes('audit.read.all');
  let head: number | null = null;
  for (const e of events) {
    const session = e.session_id ? sessions.get(e.session_id) : undefined;
    if (
      session &&
      lastOfSession.get(session.id) === e.seq &&
      (session.staffId === staff.id || canReadAllSessions(staff))
    )
      messages.push({ event: 'session', id: e.seq, data: session });
    const own = e.actor_id === staff.id || (e.action === 'session.end' && session?.staffId === staff.id);
    if (readAll || own) head = e.seq;
  }
  if (head !== null) messages.push({ event: 'audit-head', id: head, data: { seq: head } });
  return messages;
}

const sseText = (m: StreamMessage) => `id: ${String(m.id)}\nevent: ${m.event}\ndata: ${JSON.stringify(m.data)}\n\n`;

export async function handleEvents(
  deps: Deps,
  feed: ReturnType<typeof createEventFeed>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let staff: SignedInStaff;
  try {
    staff = await authenticate(deps, req);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    sendJson(res, error.status, { error: { code: error.code, message: error.message } });
    return;
  }
  const resume = LastEventId.safeParse(req.headers['last-event-id']);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${String(RETRY_MS)}\n\n`);
  let ended = false;
  const recheck = async () => {
    try {
      staff = await authenticate(deps, req);
      return true;
    } catch {
      return false;
    }
  };
  const listener: Listener = async (batch) => {
    if (ended) return;
    if (batch.events.some((e) => e.actor_id === staff.id && e.action.startsWith('staff.')) && !(await recheck()))
      return end();
    const messages = messagesFor(staff, batch);
    if (!ended && messages.length > 0) res.write(messages.map(sseText).join(''));
  };
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(keepAlive);
    feed.remove(listener);
    res.end();
  };
  req.on('close', end);
  // Catch up from Last-Event-ID (resuming clients), then say "ready" at the head.
  let from = resume.success ? Number(resume.data) : null;
  const [top] = await deps.db.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM concierge_audit_event');
  const head = Number(top?.seq ?? 0);
  while (from !== null && from < head && !ended) {
    const events = await readAfter(deps, from);
    if (events.length === 0) break;
    await listener(
      await batchOf(
        deps,
        events.filter((e) => e.seq <= head),
      ),
    );
    from = events.at(-1)?.seq ?? head;
  }
  feed.add(listener, head);
  if (!ended) res.write(sseText({ event: 'ready', id: head, data: { head } }));
}
