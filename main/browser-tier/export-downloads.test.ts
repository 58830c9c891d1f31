import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createExportDownloads } from './export-downloads';

/** The store's own rules on a real folder; server.test.ts downloads through the real HTTP server. */
let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'concierge-downloads-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

it('keeps its folder private, sweeps what an earlier run left long ago, and hands each download out once', async () => {
  const dir = join(root, 'exports');
  const log: string[] = [];
  await createExportDownloads({ dir, log: (m) => log.push(m) });
  await writeFile(join(dir, 'old.csv'), 'old');
  await writeFile(join(dir, 'recent.csv'), 'recent');
  const longAgo = new Date(Date.now() - 60 * 60_000);
  await utimes(join(dir, 'old.csv'), longAgo, longAgo);

  const downloads = await createExportDownloads({ dir, log: (m) => log.push(m) });
  expect((await stat(dir)).mode & 0o777).toBe(0o700);
  expect(await readdir(dir)).toEqual(['recent.csv']);

  const reserved = downloads.reserve('concierge-audit-1.csv');
  expect(reserved.delivery).toMatchObject({ kind: 'download', fileName: 'concierge-audit-1.csv' });
  if (reserved.delivery.kind !== 'download') throw new Error('not a download');
  const id = reserved.delivery.downloadId;
  expect(reserved.filePath).toBe(join(dir, `${id}.csv`));
  await writeFile(reserved.filePath, 'seq\n');
  expect(downloads.take('../old.csv')).toBeNull();
  expect(downloads.take('0'.repeat(32))).toBeNull();
  const taken = downloads.take(id);
  expect(taken).toMatchObject({ filePath: reserved.filePath, fileName: 'concierge-audit-1.csv' });
  expect(downloads.take(id)).toBeNull();
  await taken?.release();
  expect(await readdir(dir)).toEqual(['recent.csv']);

  // A failed export is discarded, its partial file too.
  const failed = downloads.reserve('concierge-audit-2.jsonl');
  await writeFile(`${failed.filePath}.part`, 'half');
  await failed.discard?.();
  expect(await readdir(dir)).toEqual(['recent.csv']);
  expect(log).toEqual([]);
});

it('deletes a download nobody fetched after its time, and all of them at dispose', async () => {
  const dir = join(root, 'exports');
  const downloads = await createExportDownloads({ dir, ttlMs: 100, log: () => undefined });
  const first = downloads.reserve('a.csv');
  await writeFile(first.filePath, 'a');
  await vi.waitFor(
    async () => {
      expect(await readdir(dir)).toEqual([]);
    },
    { timeout: 2000, interval: 20 },
  );
  if (first.delivery.kind !== 'download') throw new Error('not a download');
  expect(downloads.take(first.delivery.downloadId)).toBeNull();

  const lasting = await createExportDownloads({ dir, log: () => undefined });
  const second = lasting.reserve('b.jsonl');
  await writeFile(second.filePath, 'b');
  await lasting.dispose();
  expect(await readdir(dir)).toEqual([]);
});
