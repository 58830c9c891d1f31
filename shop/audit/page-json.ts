/**
 * A console's first sync reads the whole log in pages of up to 1,000 events, so a page is written
 * as text from rows the database formatted (ISO time, JSON details) rather than from objects run
 * through zod and JSON.stringify: docs/PERFORMANCE.md, "Shop: the measurements behind its design".
 * page-json.test.ts proves it is JSON.stringify of what `eventFromRow` maps, byte for byte.
 */

import type { AuditCheckpoint } from '../../shared/api/audit';
import { AUDIT_COLUMNS, auditActionFrom, type AuditColumn, type StoredAuditRow } from '../../shared/audit/codec';
import { isoTimeSql } from '../db/text-sql';

/** How a column reads as text, where that differs from the column itself. */
const AS_TEXT: Partial<Record<AuditColumn, string>> = {
  at: `${isoTimeSql('at')} AS at`,
  details: 'details::text AS details',
};

/** The event columns as text, ready to write: `at` already in ISO form, `details` JSON text. */
export const AUDIT_TEXT_COLUMNS = AUDIT_COLUMNS.map((column) => AS_TEXT[column] ?? column).join(', ');

/** A stored event as AUDIT_TEXT_COLUMNS reads it. */
export type AuditTextRow = Omit<StoredAuditRow, 'details'> & {
  /** jsonb as text: valid JSON by construction. */
  details: string;
};

const text = (value: string | null): string => (value === null ? 'null' : JSON.stringify(value));

// The fields as eventFromRow maps them (shared/audit/codec.ts), written out by hand for speed.
function eventJson(row: AuditTextRow): string {
  return (
    `{"seq":${String(row.seq)},"id":${text(row.id)},"at":${text(row.at)},"action":${text(auditActionFrom(row.seq, row.action))},` +
    `"actor":{"type":${text(row.actor_type)},"id":${text(row.actor_id)},"name":${text(row.actor_name)}},` +
    `"customerId":${text(row.customer_id)},"sessionId":${text(row.session_id)},"ip":${text(row.ip)},"userAgent":${text(row.user_agent)},` +
    `"details":${row.details},"prevHash":${text(row.prev_hash)},"hash":${text(row.hash)}}`
  );
}

// One per page, so plain JSON.stringify; its fields in AuditCheckpoint's order, as zod would give them.
const checkpointJson = (c: AuditCheckpoint | null): string =>
  c === null ? 'null' : JSON.stringify({ seq: c.seq, hash: c.hash, at: c.at, keyId: c.keyId, signature: c.signature });

/** The AuditPage body for these rows (in seq order), the log's head and the newest checkpoint. */
export function auditPageJson(
  rows: readonly AuditTextRow[],
  after: number,
  head: { seq: number; hash: string },
  checkpoint: AuditCheckpoint | null,
): string {
  const nextAfter = rows.at(-1)?.seq ?? after;
  return (
    `{"events":[${rows.map(eventJson).join(',')}],"nextAfter":${String(nextAfter)},` +
    `"head":{"seq":${String(head.seq)},"hash":${text(head.hash)}},"checkpoint":${checkpointJson(checkpoint)}}`
  );
}

/** The AuditRecent body for these rows (newest first). */
export const auditRecentJson = (rows: readonly AuditTextRow[]): string =>
  `{"events":[${rows.map(eventJson).join(',')}]}`;

/** The AuditSearchPage body for these rows (newest first) and the next page's cursor. */
export const auditSearchJson = (rows: readonly AuditTextRow[], nextBefore: number | null): string =>
  `{"events":[${rows.map(eventJson).join(',')}],"nextBefore":${nextBefore === null ? 'null' : String(nextBefore)}}`;
