import { z } from 'zod';
import { AuditCheckpoint, AuditSigningKey } from '../api/audit';
import { Timestamp } from '../api/common';

/**
 * The console's JSON Lines audit export, written by main/core/audit-mirror/export-file.ts and read
 * by `npm run audit:verify` (main/core/audit-verify/): this header line, then one line per pinned
 * key, one per checkpoint from the first exported seq on, then one AuditEvent per line.
 */
export const EXPORT_FORMAT = 'concierge-audit';
export const EXPORT_VERSION = 1;

/** Line 1 of an export: what was exported, when, from which shop. */
export const ExportInfo = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  createdAt: Timestamp,
  /** The viewer filter the export was made with; {} for the whole log. */
  filter: z.record(z.string(), z.json()),
  shopUrl: z.string(),
});
export type ExportInfo = z.infer<typeof ExportInfo>;
export const ExportHeaderLine = z.strictObject({ export: ExportInfo });
export const SigningKeyLine = z.strictObject({ signingKey: AuditSigningKey });
export const CheckpointLine = z.strictObject({ checkpoint: AuditCheckpoint });
