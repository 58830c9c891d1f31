import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ApiErrorBody } from '../../shared/api/common';
import { LastEventId, type StreamMessage } from '../../shared/api/events';
import type { Staff } from '../../shared/api/auth';
import { readScopeOf, scopedHead } from '../audit/read-scope';
import { principalOf, requireStaff } from '../auth/guard';
import { authenticate } from '../auth/tokens';
import type { ShopContext } from '../context';
import { createAuditFeed, PAGE, readBatch, type AuditFeed, type FeedBatch } from '../events/audit-feed';
import { mayRevokeTokensOf, messagesFor, sseText } from '../events/stream-messages';
import type { ApiApp } from './index';

/** How often an idle stream sends a comment: proxies drop silent connections. */
const KEEP_ALIVE_MS = 15_000;
/**
 * How often a stream's token is read again, for what leaves no audit event (an account disabled,
 * a role changed). Sign-outs and token reuse are checked the moment they are logged, and the
 * stream ends when the token expires: a thousand streams cost a few reads a second, not dozens.
 */
const RECHECK_MS = 5 * 60_000;
/** What a client waits before reconnecting after the stream ends. */
const RETRY_MS = 2_000;

interface OpenStream {
  end(): void;
}

/**
 * `GET /events`: Server-Sent Events of what a console must know at once (shared/api/events.ts):
 * its sessions' changes, every session's for those who may read them all, and the audit head.
 * Each message is checked against the reader's permissions as the REST routes check them; the
 * token is checked again when the reader signs out or a token of theirs is reused, and every
 * 5 minutes; the stream ends once it is no longer valid (revoked, expired, staff disabled).
 */
export function registerEventRoutes(api: ApiApp, ctx: ShopContext): void {
  const feed = createAuditFeed(ctx.db);
  const open = new Set<OpenStream>();
  // Streams never finish on their own: end them, or closing the shop would wait for them forever.
  api.addHook('preClose', (done) => {
    for (const stream of open) stream.end();
    done();
  });
  api.addHook('onClose', () => feed.close());

  api.get(
    '/events',
    {
      onRequest: requireStaff(ctx),
      schema: {
        tags: ['events'],
        summary: 'Server-Sent Events: session changes and the audit head, as they happen (resume with Last-Event-ID)',
        security: [{ bearer: [] }],
        // Loose: a strict object would drop the other headers from the request (authorization too).
        headers: z.looseObject({ 'last-event-id': LastEventId.optional() }),
        response: { 200: z.string().describe('text/event-stream'), '4xx': ApiErrorBody },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const after = request.headers['last-event-id'];
      await serveStream(ctx, feed, open, reply, {
        staff: principal.staff,
        expiresAt: principal.expiresAt,
        authorization: request.headers.authorization,
        after: after === undefined ? null : Number(after),
      });
    },
  );
}

/** Who reads a stream, until when, and where they resume from (null: no Last-Event-ID). */
interface Reader {
  staff: Staff;
  expiresAt: Date;
  authorization: string | undefined;
  after: number | null;
}

/** What a stream's set-up needs to know of it: who reads it, how to send, and how it ends. */
interface LiveStream extends OpenStream {
  /** The reader as their token was last checked. */
  staff(): Staff;
  ended(): boolean;
  send(messages: readonly StreamMessage[]): void;
  /** The newest id sent so far (0 before any). */
  lastId(): number;
  /** Reads the token again now; the stream ends if it is no longer valid. */
  recheck(): void;
  /** Runs `fn` when the stream ends (at once if it has). */
  onEnd(fn: () => void): void;
}

async function serveStream(
  ctx: ShopContext,
  feed: AuditFeed,
  open: Set<OpenStream>,
  reply: FastifyReply,
  reader: Reader,
): Promise<void> {
  const stream = createStream(ctx, open, reply.raw, reader);
  reply.hijack();
  // Past hijack Fastify answers nothing: a failure here must end the stream, or it stays open and silent.
  try {
    beginStream(reply.raw, stream, open);
    await feedStream(ctx, feed, stream, reader.after);
  } catch (error) {
    // The client resumes from its last id; the error never carries the token (the logger scrubs lines too).
    reply.log.error({ err: error, staffId: stream.staff().id }, 'event stream failed while starting; ended it');
    stream.end();
  }
}

/** The stream's state and timers (keep-alive, token recheck, expiry); nothing is written yet. */
function createStream(ctx: ShopContext, open: Set<OpenStream>, raw: FastifyReply['raw'], reader: Reader): LiveStream {
  let staff = reader.staff;
  let ended = false;
  let lastId = 0;
  const onEnd: (() => void)[] = [];
  const stream: LiveStream = {
    staff: () => staff,
    ended: () => ended,
    lastId: () => lastId,
    send: (messages) => {
      if (ended || messages.length === 0) return;
      raw.write(messages.map(sseText).join(''));
      lastId = Math.max(lastId, ...messages.map((m) => m.id));
    },
    recheck: () => {
      authenticate(ctx.db, ctx, reader.authorization).then(
        (principal) => {
          staff = principal.staff;
        },
        () => {
          stream.end();
        },
      );
    },
    onEnd: (fn) => {
      if (ended) fn();
      else onEnd.push(fn);
    },
    end: () => {
      if (ended) return;
      ended = true;
      clearInterval(keepAlive);
      clearInterval(recheckTimer);
      clearTimeout(expiry);
      for (const fn of onEnd.splice(0)) fn();
      open.delete(stream);
      raw.end();
    },
  };
  const keepAlive = setInterval(() => {
    if (!ended) raw.write(': keep-alive\n\n');
  }, KEEP_ALIVE_MS);
  keepAlive.unref();
  const recheckTimer = setInterval(() => {
    stream.recheck();
  }, RECHECK_MS);
  recheckTimer.unref();
  // The client refreshes its token and reconnects (Last-Event-ID): nothing is missed.
  const expiry = setTimeout(
    () => {
      stream.end();
    },
    // setTimeout holds at most 2^31 - 1 ms (about 24 days); longer waits would fire at once.
    Math.min(Math.max(0, reader.expiresAt.getTime() - ctx.clock.now().getTime()), 2 ** 31 - 1),
  );
  expiry.unref();
  return stream;
}

/** The response's head and retry delay; from here the stream is open until it ends. */
function beginStream(raw: FastifyReply['raw'], stream: LiveStream, open: Set<OpenStream>): void {
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
    // Never reused after a stream: once it ends (the shop closing, say), the connection closes too.
    connection: 'close',
  });
  raw.write(`retry: ${String(RETRY_MS)}\n\n`);
  raw.on('close', () => {
    stream.end();
  });
  open.add(stream);
  // A client gone before the handler ran has closed already: no close event will come.
  if (raw.destroyed) stream.end();
}

/** Subscribes to the feed, sends the catch-up and the audit head, then what arrived meanwhile, then `ready`. */
async function feedStream(ctx: ShopContext, feed: AuditFeed, stream: LiveStream, after: number | null): Promise<void> {
  let buffered: FeedBatch[] | null = [];
  // Subscribed before the catch-up, holding what arrives meanwhile: nothing falls in between.
  const unsubscribe = await feed.subscribe({
    onBatch: (batch) => {
      if (buffered) buffered.push(batch);
      else stream.send(messagesFor(stream.staff(), batch));
      if (mayRevokeTokensOf(stream.staff().id, batch)) stream.recheck();
    },
    // Notifications may be lost: end, and the client resumes from its last id.
    onGap: () => {
      stream.end();
    },
  });
  // Unsubscribes at once when the client went (or the shop began closing) while subscribing.
  stream.onEnd(unsubscribe);
  if (stream.ended()) return;
  const catchUp = after === null ? null : await readBatch(ctx.db, after, PAGE);
  if (catchUp) stream.send(messagesFor(stream.staff(), catchUp));
  const scope = readScopeOf(stream.staff());
  const head = scope ? await scopedHead(ctx.db, scope) : null;
  if (head) stream.send([{ event: 'audit-head', id: head.seq, data: { seq: head.seq } }]);
  for (const batch of buffered) stream.send(messagesFor(stream.staff(), batch));
  buffered = null;
  const live = Math.max(stream.lastId(), feed.head());
  stream.send([{ event: 'ready', id: live, data: { head: live } }]);
}
