import { z } from 'zod';
import { GENESIS_HASH } from '../../shared/audit/chain';
import { AuditEvent, AuditPage, AuditQuery } from '../../shared/api/audit';
import { ApiErrorBody } from '../../shared/api/common';
import { AUDIT_TEXT_COLUMNS, auditPageJson, type AuditTextRow } from '../audit/page-json';
import { principalOf, requireStaff } from '../auth/guard';
import type { ShopContext } from '../context';
import { sendJsonText } from '../lib/json-text-reply';
import type { ApiApp } from './index';

/**
 * AuditPage with `details` as a plain JSON object: the shared schema's recursive JsonValue makes
 * the OpenAPI generator emit a $ref to a component it never defines. Details come from jsonb,
 * so they are JSON whatever this schema says; the events are otherwise the shared shape.
 */
const AuditPageResponse = AuditPage.extend({
  events: z.array(AuditEvent.extend({ details: z.record(z.string(), z.unknown()) })),
});

/**
 * The audit log, read-only: there is deliberately no route that changes or deletes an event.
 * audit.read.all sees every event; audit.read.own sees the events the caller is the actor of.
 */
export function registerAuditRoutes(api: ApiApp, ctx: ShopContext): void {
  api.get(
    '/audit/events',
    {
      onRequest: requireStaff(ctx, ['audit.read.own', 'audit.read.all']),
      schema: {
        tags: ['audit'],
        summary: 'Read the hash-chained audit log in seq order (all, or your own events)',
        security: [{ bearer: [] }],
        querystring: AuditQuery,
        response: { 200: AuditPageResponse, '4xx': ApiErrorBody },
      },
    },
    async (request, reply) => {
      const { staff } = principalOf(request);
      const { after, limit } = request.query;
      const all = staff.permissions.includes('audit.read.all');
      // Own events: the actor_id index with the actor type checked, so a customer or system id equal
      // to a staff id could never widen what an agent sees.
      const scope = all ? '' : "actor_id = $3 AND actor_type = 'staff' AND";
      const scopeParams = all ? [] : [staff.id];
      const page = await ctx.db.query<AuditTextRow>(
        `SELECT ${AUDIT_TEXT_COLUMNS} FROM audit_events WHERE ${scope} seq > $1 ORDER BY seq LIMIT $2`,
        [after, limit, ...scopeParams],
      );
      const head = await ctx.db.query<{ seq: number; hash: string }>(
        `SELECT seq, hash FROM audit_events ${all ? '' : "WHERE actor_id = $1 AND actor_type = 'staff'"} ORDER BY seq DESC LIMIT 1`,
        scopeParams,
      );
      // Written as JSON text here rather than serialized from objects (see audit/page-json.ts).
      return sendJsonText(reply, auditPageJson(page.rows, after, head.rows[0] ?? { seq: 0, hash: GENESIS_HASH }));
    },
  );
}
