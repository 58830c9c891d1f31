import { z } from 'zod';
import { GENESIS_HASH } from '../../shared/audit/chain';
import {
  AuditCheckpointPage,
  AuditCheckpointQuery,
  AuditEvent,
  AuditKeys,
  AuditPage,
  AuditQuery,
  AuditRecentQuery,
  AuditSearchPage,
  AuditSearchQuery,
  AuditStaffDirectory,
} from '../../shared/api/audit';
import { ApiErrorBody } from '../../shared/api/common';
import { checkpointsAfter, listSigningKeys, newestCheckpoint } from '../audit/checkpoint-store';
import { auditPageJson, auditRecentJson, auditSearchJson } from '../audit/page-json';
import { readScopedNewest, readScopedPage, readScopeOf, scopedHead, type AuditReadScope } from '../audit/read-scope';
import type { Staff } from '../../shared/api/auth';
import { searchAudit } from '../audit/search';
import { principalOf, requireStaff } from '../auth/guard';
import type { ShopContext } from '../context';
import { sendJsonText } from '../lib/json-text-reply';
import type { ApiApp } from './index';

/**
 * AuditPage with `details` as a plain JSON object: the shared schema's recursive JsonValue makes
 * the OpenAPI generator emit a $ref to a component it never defines. Details come from jsonb,
 * so they are JSON whatever this schema says; the events are otherwise the shared shape.
 */
const EventResponse = AuditEvent.extend({ details: z.record(z.string(), z.unknown()) });
const AuditPageResponse = AuditPage.extend({ events: z.array(EventResponse) });
const AuditRecentResponse = z.object({ events: z.array(EventResponse) });
const AuditSearchResponse = AuditSearchPage.extend({ events: z.array(EventResponse) });

// The routes' guard admits only readers of the log, so a scope is always there.
const scopeOf = (staff: Staff): AuditReadScope => readScopeOf(staff) ?? { all: false, staffId: staff.id };

/**
 * The audit log, read-only: there is deliberately no route that changes or deletes an event.
 * audit.read.all sees every event; audit.read.own sees the events the caller is the actor of and
 * how their sessions ended (audit/read-scope.ts).
 */
export function registerAuditRoutes(api: ApiApp, ctx: ShopContext): void {
  const readers = requireStaff(ctx, ['audit.read.own', 'audit.read.all']);
  api.get(
    '/audit/events',
    {
      onRequest: readers,
      schema: {
        tags: ['audit'],
        summary: 'Read the hash-chained audit log in seq order (all, or your own events and how your sessions ended)',
        security: [{ bearer: [] }],
        querystring: AuditQuery,
        response: { 200: AuditPageResponse, '4xx': ApiErrorBody },
      },
    },
    async (request, reply) => {
      const { staff } = principalOf(request);
      const { after, limit } = request.query;
      const scope = scopeOf(staff);
      const page = await readScopedPage(ctx.db, scope, after, limit);
      const head = await scopedHead(ctx.db, scope);
      const checkpoint = await newestCheckpoint(ctx.db);
      // Written as JSON text here rather than serialized from objects (see audit/page-json.ts).
      return sendJsonText(reply, auditPageJson(page, after, head ?? { seq: 0, hash: GENESIS_HASH }, checkpoint));
    },
  );

  api.get(
    '/audit/recent',
    {
      onRequest: readers,
      schema: {
        tags: ['audit'],
        summary: 'The newest audit events you may read, newest first (what a console shows while its copy opens)',
        security: [{ bearer: [] }],
        querystring: AuditRecentQuery,
        response: { 200: AuditRecentResponse, '4xx': ApiErrorBody },
      },
    },
    async (request, reply) => {
      const { staff } = principalOf(request);
      const rows = await readScopedNewest(ctx.db, scopeOf(staff), request.query.limit);
      return sendJsonText(reply, auditRecentJson(rows));
    },
  );

  api.get(
    '/audit/search',
    {
      onRequest: readers,
      schema: {
        tags: ['audit'],
        summary:
          'The audit events you may read that match the filters (person, customer, session, action or group, time), newest first',
        security: [{ bearer: [] }],
        querystring: AuditSearchQuery,
        response: { 200: AuditSearchResponse, '4xx': ApiErrorBody },
      },
    },
    async (request, reply) => {
      const { staff } = principalOf(request);
      const page = await searchAudit(ctx.db, scopeOf(staff), request.query);
      return sendJsonText(reply, auditSearchJson(page.rows, page.nextBefore));
    },
  );

  registerCheckpointRoutes(api, ctx, readers);

  // The staff filter's directory: who the log can name, found by name or email. Only for readers
  // of everyone's events; the rest see only their own actions and the ends of their sessions.
  api.get(
    '/audit/staff',
    {
      onRequest: requireStaff(ctx, ['audit.read.all']),
      schema: {
        tags: ['audit'],
        summary: 'Every staff member (name, email), for filtering the audit log by person',
        security: [{ bearer: [] }],
        response: { 200: AuditStaffDirectory, '4xx': ApiErrorBody },
      },
    },
    async () => {
      const rows = await ctx.db.query<{ id: string; name: string; email: string; disabled: boolean }>(
        'SELECT id, name, email, disabled FROM staff ORDER BY lower(name), id',
      );
      return { staff: rows.rows };
    },
  );
}

/**
 * The signed checkpoints and the public keys that check them, for whoever may read the audit log:
 * a checkpoint names only a seq and a hash, never an event's content.
 */
function registerCheckpointRoutes(api: ApiApp, ctx: ShopContext, readers: ReturnType<typeof requireStaff>): void {
  api.get(
    '/audit/keys',
    {
      onRequest: readers,
      schema: {
        tags: ['audit'],
        summary: "The shop's Ed25519 checkpoint signing keys (public), retired ones included, oldest first",
        security: [{ bearer: [] }],
        response: { 200: AuditKeys, '4xx': ApiErrorBody },
      },
    },
    async () => ({ keys: await listSigningKeys(ctx.db) }),
  );

  api.get(
    '/audit/checkpoints',
    {
      onRequest: readers,
      schema: {
        tags: ['audit'],
        summary: 'Signed audit checkpoints {seq, hash, at, keyId, signature} in seq order',
        security: [{ bearer: [] }],
        querystring: AuditCheckpointQuery,
        response: { 200: AuditCheckpointPage, '4xx': ApiErrorBody },
      },
    },
    async (request) => {
      const { after, limit } = request.query;
      const items = await checkpointsAfter(ctx.db, after, limit);
      return { items, nextAfter: items.at(-1)?.seq ?? after };
    },
  );
}
