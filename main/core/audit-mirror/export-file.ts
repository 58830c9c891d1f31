import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify/sync';
import type { AuditCheckpoint, AuditEvent, AuditSigningKey } from '../../../shared/api/audit';
import { AUDIT_COLUMNS } from '../../../shared/audit/codec';
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportInfo } from '../../../shared/audit/export-format';
import type { ExportFormat } from './protocol';

/**
 * The CSV header: the storage shape's column list (shared/audit/codec.ts), then the signed
 * checkpoint at that row's seq, where the shop signed one.
 */
export const CSV_COLUMNS = [...AUDIT_COLUMNS, 'checkpoint_at', 'checkpoint_key_id', 'checkpoint_signature'] as const;

/** The evidence an export carries besides its events: the pinned keys and the checkpoints over them. */
export interface ExportEvidence {
  header: Omit<ExportInfo, 'format' | 'version'>;
  keys: readonly AuditSigningKey[];
  /** Every stored checkpoint at or after `seq`, in seq order. */
  checkpointsFrom: (seq: number) => Promise<AuditCheckpoint[]>;
}

/**
 * Cells that start like a formula run as one in spreadsheet apps (CSV injection); actor names,
 * user agents and details come from outside, so such cells get a leading apostrophe. The JSONL
 * export is the faithful one (its events verify with the chain function, `npm run audit:verify`
 * checks it offline); CSV is for reading.
 */
function safeCell(value: string | null): string {
  if (value === null) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvRow(e: AuditEvent, checkpoint: AuditCheckpoint | undefined): string[] {
  return [
    String(e.seq),
    e.id,
    e.at,
    safeCell(e.action),
    e.actor.type,
    safeCell(e.actor.id),
    safeCell(e.actor.name),
    safeCell(e.customerId),
    safeCell(e.sessionId),
    safeCell(e.ip),
    safeCell(e.userAgent),
    safeCell(JSON.stringify(e.details)),
    e.prevHash,
    e.hash,
    checkpoint?.at ?? '',
    checkpoint?.keyId ?? '',
    checkpoint?.signature ?? '',
  ];
}

/** JSON Lines: the header, the keys, the checkpoints from the first event on, then one event per line. */
function jsonlPreamble(evidence: ExportEvidence, checkpoints: readonly AuditCheckpoint[]): string {
  const header: ExportInfo = { format: EXPORT_FORMAT, version: EXPORT_VERSION, ...evidence.header };
  const lines = [
    { export: header },
    ...evidence.keys.map((signingKey) => ({ signingKey })),
    ...checkpoints.map((checkpoint) => ({ checkpoint })),
  ];
  return lines.map((line) => `${JSON.stringify(line)}\n`).join('');
}

/**
 * Writes pages of events to `filePath` as CSV (with a header) or JSON Lines, one page in memory
 * at a time, with the signed checkpoints that cover them. The file appears under its name only
 * when complete.
 */
export async function writeExport(
  pages: AsyncIterable<AuditEvent[]>,
  format: ExportFormat,
  filePath: string,
  evidence: ExportEvidence,
): Promise<{ count: number }> {
  const partPath = `${filePath}.part`;
  const out = createWriteStream(partPath, { mode: 0o600 });
  let count = 0;
  try {
    const write = async (chunk: string) => {
      if (!out.write(chunk)) await once(out, 'drain');
    };
    // Written once the first event's seq is known: the checkpoints start from it.
    const begin = async (firstSeq: number): Promise<Map<number, AuditCheckpoint>> => {
      const checkpoints = firstSeq > 0 ? await evidence.checkpointsFrom(firstSeq) : [];
      await write(format === 'csv' ? stringify([[...CSV_COLUMNS]]) : jsonlPreamble(evidence, checkpoints));
      return new Map(checkpoints.map((c) => [c.seq, c]));
    };
    let atSeq: Map<number, AuditCheckpoint> | null = null;
    for await (const page of pages) {
      const first = page[0];
      if (!first) continue;
      atSeq ??= await begin(first.seq);
      const held = atSeq;
      await write(
        format === 'csv'
          ? stringify(page.map((e) => csvRow(e, held.get(e.seq))))
          : page.map((e) => `${JSON.stringify(e)}\n`).join(''),
      );
      count += page.length;
    }
    if (!atSeq) await begin(0);
    out.end();
    await finished(out);
    await rename(partPath, filePath);
    return { count };
  } catch (error) {
    out.destroy();
    await rm(partPath, { force: true });
    throw error;
  }
}
