import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ApiErrorBody, Id } from '../../shared/api/common';
import {
  AssistSession,
  CreateSessionRequest,
  CreateSessionResponse,
  EndSessionRequest,
  HeartbeatRequest,
  HeartbeatResponse,
  SessionListQuery,
  SessionListResponse,
} from '../../shared/api/sessions';
import { createSession } from '../assist/create';
import { endSessionByStaff, getSession, heartbeat, listSessions, SessionEndedError } from '../assist/manage';
import { sweepExpiredSessions } from '../assist/settle';
import { principalOf, requestOrigin, requireStaff } from '../auth/guard';
import type { ShopContext } from '../context';
import type { ApiApp } from './index';

const SessionParams = z.object({ id: Id });
const SessionEndedBody = z.object({
  error: z.object({ code: z.literal('session_ended'), message: z.string(), endReason: z.string().nullable() }),
  session: AssistSession,
});

/**
 * How often the shop ends overdue sessions nobody is reading (reads settle them anyway). Short,
 * so a dead console's session is ended, audited and the customer told within lease + 10 s.
 */
export const SWEEP_INTERVAL_MS = 10_000;

/** Assisted sessions: start, list, read, heartbeat, end. */
export function registerSessionRoutes(api: ApiApp, ctx: ShopContext): void {
  const tags = ['sessions'];
  // Authentication runs before body validation, so an anonymous caller learns nothing from 400s.
  const signedIn = requireStaff(ctx);

  api.post(
    '/assist-sessions',
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: 'Start an assisted session (step-up and consent required); returns the one-time handoff URL',
        security: [{ bearer: [] }],
        body: CreateSessionRequest,
        response: { 201: CreateSessionResponse, '4xx': ApiErrorBody },
      },
    },
    async (request, reply) => {
      const created = await createSession(ctx, principalOf(request), request.body, requestOrigin(request));
      return reply.status(201).send(created);
    },
  );

  api.get(
    '/assist-sessions',
    {
      onRequest: requireStaff(ctx, ['assist.view', 'sessions.read.all']),
      schema: {
        tags,
        security: [{ bearer: [] }],
        summary: "List sessions: your own, or everyone's with sessions.read.all",
        querystring: SessionListQuery,
        response: { 200: SessionListResponse, '4xx': ApiErrorBody },
      },
    },
    async (request) => ({ items: await listSessions(ctx, principalOf(request).staff, request.query) }),
  );

  api.get(
    '/assist-sessions/:id',
    {
      onRequest: signedIn,
      schema: {
        tags,
        security: [{ bearer: [] }],
        summary: 'Read one session (yours, or any with sessions.read.all)',
        params: SessionParams,
        response: { 200: AssistSession, '4xx': ApiErrorBody },
      },
    },
    (request) => getSession(ctx, principalOf(request).staff, request.params.id),
  );

  api.post(
    '/assist-sessions/:id/heartbeat',
    {
      onRequest: signedIn,
      schema: {
        tags,
        security: [{ bearer: [] }],
        summary:
          "The agent's console is still there: renews the console lease and, unless activity is false, records activity; 409 session_ended once it has ended",
        params: SessionParams,
        body: HeartbeatRequest.nullish(),
        response: { 200: HeartbeatResponse, 409: SessionEndedBody, '4xx': ApiErrorBody },
      },
    },
    async (request, reply) => {
      try {
        return { session: await heartbeat(ctx, principalOf(request).staff, request.params.id, request.body ?? {}) };
      } catch (error) {
        return sendIfEnded(reply, error);
      }
    },
  );

  api.post(
    '/assist-sessions/:id/end',
    {
      onRequest: signedIn,
      schema: {
        tags,
        security: [{ bearer: [] }],
        summary: 'End a session: its agent, or a supervisor with sessions.terminate',
        params: SessionParams,
        body: EndSessionRequest.nullish(),
        response: { 200: HeartbeatResponse, 409: SessionEndedBody, '4xx': ApiErrorBody },
      },
    },
    async (request, reply) => {
      try {
        return {
          session: await endSessionByStaff(
            ctx,
            principalOf(request).staff,
            request.params.id,
            request.body ?? {},
            requestOrigin(request),
          ),
        };
      } catch (error) {
        return sendIfEnded(reply, error);
      }
    },
  );

  startSweeper(api, ctx);
}

function sendIfEnded(reply: FastifyReply, error: unknown): FastifyReply {
  if (!(error instanceof SessionEndedError)) throw error;
  return reply.status(409).send({
    error: { code: 'session_ended', message: error.message, endReason: error.session.endReason },
    session: error.session,
  });
}

/**
 * Ends overdue sessions on an interval so live-session lists stay right between reads; stopped,
 * and its last run awaited, when the shop closes.
 */
function startSweeper(api: ApiApp, ctx: ShopContext): void {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = sweepExpiredSessions(ctx)
      .catch((error: unknown) => {
        api.log.error(
          { err: { message: error instanceof Error ? error.message : String(error) } },
          'session sweep failed',
        );
      })
      .finally(() => {
        running = null;
      });
  }, SWEEP_INTERVAL_MS);
  timer.unref();
  api.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}
