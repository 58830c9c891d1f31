import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify/sync';
import type { AuditEvent } from '../../../shared/api/audit';
import { AUDIT_COLUMNS } from '../../../shared/audit/codec';
import type { ExportFormat } from './protocol';

/** The CSV header is the storage shape's column list (shared/audit/codec.ts). */
export const CSV_COLUMNS = AUDIT_COLUMNS;

/**
 * Cells that start like a formula run as one in spreadsheet apps (CSV injection); actor names,
 * user agents and details come from outside, so such cells get a leading apostrophe. The JSONL
 * export is the faithful one (its events verify with the chain function); CSV is for reading.
 */
function safeCell(value: string | null): string {
  if (value === null) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvRow(e: AuditEvent): string[] {
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
  ];
}

/**
 * Writes pages of events to `filePath` as CSV (with a header) or JSON Lines, one page in memory
 * at a time. The file appears under its name only when complete.
 */
export async function writeExport(
  pages: AsyncIterable<AuditEvent[]>,
  format: ExportFormat,
  filePath: string,
): Promise<{ count: number }> {
  const partPath = `${filePath}.part`;
  const out = createWriteStream(partPath, { mode: 0o600 });
  let count = 0;
  try {
    const write = async (chunk: string) => {
      if (!out.write(chunk)) await once(out, 'drain');
    };
    if (format === 'csv') await write(stringify([[...CSV_COLUMNS]]));
    for await (const page of pages) {
      await write(format === 'csv' ? stringify(page.map(csvRow)) : page.map((e) => `${JSON.stringify(e)}\n`).join(''));
      count += page.length;
    }
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
