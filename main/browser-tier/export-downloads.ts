import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { DownloadId } from '../../shared/ipc/contract';
import type { ExportDestination } from '../core/ipc-handlers';

/**
 * The browser tier's audit exports: the mirror writes each to a private file in the console's data
 * folder, and the page downloads it once (`GET /exports/<downloadId>`). The file is deleted after
 * that download, or after `ttlMs` when nobody fetches it.
 */

export interface TakenDownload {
  filePath: string;
  fileName: string;
  /** Deletes the file (after it was sent, or failed to be). */
  release(): Promise<void>;
}

export interface ExportDownloads {
  /** A fresh file for one export and its one-time download id. */
  reserve(fileName: string): ExportDestination;
  /** The download, out of the store (a second take answers null); null when unknown or expired. */
  take(downloadId: string): TakenDownload | null;
  /** Deletes every file not downloaded yet (server stop). */
  dispose(): Promise<void>;
}

export interface ExportDownloadsOptions {
  /** A folder of its own (it is created 0700; files older than ttlMs in it are deleted at start). */
  dir: string;
  /** Default 15 minutes: long enough for any export to be written and fetched. */
  ttlMs?: number;
  log: (message: string) => void;
}

const DEFAULT_TTL_MS = 15 * 60_000;

/** Files a run that did not stop cleanly left behind, once nobody can still be waiting for them. */
async function sweepOld(dir: string, ttlMs: number): Promise<void> {
  const cutoff = Date.now() - ttlMs;
  for (const name of await readdir(dir)) {
    const file = join(dir, name);
    const info = await stat(file).catch(() => null);
    if (info && info.mtimeMs < cutoff) await rm(file, { force: true, recursive: true });
  }
}

export async function createExportDownloads(options: ExportDownloadsOptions): Promise<ExportDownloads> {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  await sweepOld(options.dir, ttlMs);
  const pending = new Map<string, { filePath: string; fileName: string; timer: NodeJS.Timeout }>();

  const remove = (filePath: string) =>
    Promise.all([rm(filePath, { force: true }), rm(`${filePath}.part`, { force: true })])
      .then(() => undefined)
      .catch((error: unknown) => {
        options.log(`could not delete an export file: ${String(error)}`);
      });

  function drop(downloadId: string): Promise<void> {
    const entry = pending.get(downloadId);
    if (!entry) return Promise.resolve();
    pending.delete(downloadId);
    clearTimeout(entry.timer);
    return remove(entry.filePath);
  }

  return {
    reserve(fileName) {
      const downloadId = randomBytes(16).toString('hex');
      // The name on disk is the random id only; the agent's file name travels in the answer.
      const filePath = join(options.dir, `${downloadId}${extname(fileName)}`);
      const timer = setTimeout(() => void drop(downloadId), ttlMs);
      timer.unref();
      pending.set(downloadId, { filePath, fileName, timer });
      return { filePath, delivery: { kind: 'download', downloadId, fileName }, discard: () => drop(downloadId) };
    },
    take(downloadId) {
      if (!DownloadId.safeParse(downloadId).success) return null;
      const entry = pending.get(downloadId);
      if (!entry) return null;
      pending.delete(downloadId);
      clearTimeout(entry.timer);
      return { filePath: entry.filePath, fileName: entry.fileName, release: () => remove(entry.filePath) };
    },
    async dispose() {
      await Promise.all([...pending.keys()].map(drop));
    },
  };
}
