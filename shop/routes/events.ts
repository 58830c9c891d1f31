import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ApiErrorBody } from '../../shared/api/common';
import { LastEventId, type StreamMessage } from '../../shared/api/events';
import type { Staff } from '../../shared/api/auth';
import { readScopeOf, scopedHead } from '../audit/read-scope';
import { principalOf, requireStaff } from '../auth/guard';
import { authenticate } from '../auth/tokens';
import type { ShopContext } from '../context';
import { createAuditFeed, PAGE, readBatch, type FeedBatch } from '../events/audit-feed';
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

async function serveStream(
  ctx: ShopContext,
  feed: ReturnType<typeof createAuditFeed>,
  open: Set<OpenStream>,
  reply: FastifyReply,
  reader: { staff: Staff; expiresAt: Date; authorization: string | undefined; after: number | null },
): Promise<void> {
  let staff = reader.staff;
  let ended = false;
  let lastId = 0;
  let unsubscribe: (() => void) | null = null;
  let buffered: FeedBatch[] | null = [];
  const raw = reply.raw;
  const send = (messages: readonly StreamMessage[]) => {
    if (ended || messages.length === 0) return;
    raw.write(messages.map(sseText).join(''));
    lastId = Math.max(lastId, ...messages.map((m) => m.id));
  };
  const stream: OpenStream = {
    end: () => {
      if (ended) return;
      ended = true;
      clearInterval(keepAlive);
      clearInterval(recheckTimer);
      clearTimeout(expiry);
      unsubscribe?.();
      open.delete(stream);
      raw.end();
    },
  };
  const recheck = () => {
    authenticate(ctx.db, ctx, reader.authorization).then(
      (principal) => {
        staff = principal.staff;
      },
      () => {
        stream.end();
      },
    );
  };
  const keepAlive = setInterval(() => {
    if (!ended) raw.write(': keep-alive\n\n');
  }, KEEP_ALIVE_MS);
  keepAlive.unref();
  const recheckTimer = setInterval(recheck, RECHECK_MS);
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

  reply.hijack();
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

  // Subscribed before the catch-up, holding what arrives meanwhile: nothing falls in between.
  unsubscribe = await feed.subscribe({
    onBatch: (batch) => {
      if (buffered) buffered.push(batch);
      else send(messagesFor(staff, batch));
      if (mayRevokeTokensOf(staff.id, batch)) recheck();
    },
    // Notifications may be lost: end, and the client resumes from its last id.
    onGap: () => {
      stream.end();
    },
  });
  // The client may have gone while subscribing.
  if (raw.destroyed || raw.writableEnded) {
    unsubscribe();
    return;
  }
  const catchUp = reader.after === null ? null : await readBatch(ctx.db, reader.after, PAGE);
  if (catchUp) send(messagesFor(staff, catchUp));
  const scope = readScopeOf(staff);
  const head = scope ? await scopedHead(ctx.db, scope) : null;
  if (head) send([{ event: 'audit-head', id: head.seq, data: { seq: head.seq } }]);
  for (const batch of buffered) send(messagesFor(staff, batch));
  buffered = null;
  const live = Math.max(lastId, feed.head());
  send([{ event: 'ready', id: live, data: { head: live } }]);
}
