import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { AuditEvent } from '../../shared/api/audit';
import { ApiErrorBody, Id } from '../../shared/api/common';
import {
  AssistSession,
  ChangeModeRequest,
  CreateSessionRequest,
  CreateSessionResponse,
  EndSessionRequest,
  HeartbeatRequest,
  HeartbeatResponse,
  SessionListQuery,
  SessionListResponse,
  SessionTimelineResponse,
} from '../../shared/api/sessions';
import { createSession } from '../assist/create';
import { endSessionByStaff, getSession, heartbeat, listSessions, SessionEndedError } from '../assist/manage';
import { changeSessionMode } from '../assist/mode';
import { startUpkeep } from '../assist/upkeep';
import { sessionTimeline } from '../assist/timeline';
import { principalOf, requestOrigin, requireStaff } from '../auth/guard';
import type { ShopContext } from '../context';
import type { ApiApp } from './index';

const SessionParams = z.object({ id: Id });
// Details as a plain object for the OpenAPI document, as in routes/audit.ts (JsonValue is recursive).
const TimelineBody = SessionTimelineResponse.extend({
  events: z.array(AuditEvent.extend({ details: z.record(z.string(), z.unknown()) })),
});
const SessionEndedBody = z.object({
  error: z.object({ code: z.literal('session_ended'), message: z.string(), endReason: z.string().nullable() }),
  session: AssistSession,
});

/** Assisted sessions: start, list, read, timeline, heartbeat, end. */
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

  registerTimelineRoute(api, ctx, tags);

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

  registerModeRoute(api, ctx);
  const upkeep = startUpkeep(ctx, api.log);
  api.addHook('onClose', () => upkeep.stop());
}

/** A session's pages and actions from the shop's own log, for the live-sessions view (fresher than a console's audit mirror). */
function registerTimelineRoute(api: ApiApp, ctx: ShopContext, tags: string[]): void {
  api.get(
    '/assist-sessions/:id/timeline',
    {
      onRequest: requireStaff(ctx, ['assist.view', 'sessions.read.all']),
      schema: {
        tags,
        security: [{ bearer: [] }],
        summary: "A session's latest audit events, oldest first: pages viewed and actions as they happen",
        params: SessionParams,
        response: { 200: TimelineBody, '4xx': ApiErrorBody },
      },
    },
    (request) => sessionTimeline(ctx, principalOf(request).staff, request.params.id),
  );
}

/** Switching a live session between view and act without ending it (assist/mode.ts). */
function registerModeRoute(api: ApiApp, ctx: ShopContext): void {
  api.post(
    '/assist-sessions/:id/mode',
    {
      onRequest: requireStaff(ctx),
      schema: {
        tags: ['sessions'],
        security: [{ bearer: [] }],
        summary:
          'Switch a live session between view and act without ending it (its agent only; act needs assist.act, a step-up token and consent as at the start)',
        params: SessionParams,
        body: ChangeModeRequest,
        response: { 200: HeartbeatResponse, 409: SessionEndedBody, '4xx': ApiErrorBody },
      },
    },
    async (request, reply) => {
      try {
        const { params, body } = request;
        return {
          session: await changeSessionMode(ctx, principalOf(request), params.id, body, requestOrigin(request)),
        };
      } catch (error) {
        return sendIfEnded(reply, error);
      }
    },
  );
}

function sendIfEnded(reply: FastifyReply, error: unknown): FastifyReply {
  if (!(error instanceof SessionEndedError)) throw error;
  return reply.status(409).send({
    error: { code: 'session_ended', message: error.message, endReason: error.session.endReason },
    session: error.session,
  });
}
