import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { create as contentDisposition } from 'content-disposition';
import type { ExportDownloads } from './export-downloads';
import { refuse } from './http-answers';

/** `GET /exports/<downloadId>`: an audit export's file, once, as an attachment. */

const EXPORT_TYPES: Record<string, string> = {
  '.csv': 'text/csv; charset=utf-8',
  '.jsonl': 'application/x-ndjson; charset=utf-8',
};

/** Streams one export file to the browser as an attachment, then deletes it. */
async function sendDownload(res: ServerResponse, downloads: ExportDownloads, downloadId: string): Promise<void> {
  const download = downloads.take(downloadId);
  if (!download) {
    refuse(res, 404, 'no_download', 'No such export, or it was downloaded already or expired: export again.');
    return;
  }
  try {
    const { size } = await stat(download.filePath);
    res.writeHead(200, {
      'content-type': EXPORT_TYPES[extname(download.fileName)] ?? 'application/octet-stream',
      'content-length': size,
      'content-disposition': contentDisposition(download.fileName),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    await pipeline(createReadStream(download.filePath), res);
  } finally {
    await download.release();
  }
}

/** `path` starts with `/exports/`. */
export async function answerExport(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  downloads: ExportDownloads,
): Promise<void> {
  // The id is a key into the store, never part of a path on disk.
  const exported = /^\/exports\/([0-9a-f]{32})$/.exec(path);
  if (req.method !== 'GET') refuse(res, 405, 'method_not_allowed', 'Use GET.');
  else if (!exported) refuse(res, 404, 'no_download', 'No such export.');
  else await sendDownload(res, downloads, exported[1] ?? '');
}
