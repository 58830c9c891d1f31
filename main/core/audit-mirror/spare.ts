/**
 * A spare mirror folder, set up while nobody waits for it: creating a PGlite database (initdb)
 * takes seconds, so a person signing in on this computer for the first time would otherwise wait
 * for it before seeing a single event. The spare is made in the background when the console
 * starts and renamed into place for the first mirror that needs a new folder.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import type { Worker } from 'node:worker_threads';
import type { Logger } from '../logging';
import { pathExists } from '../private-dir';
import type { MirrorOps } from './protocol';
import { startWorker, workerClient } from './worker-client';

export interface SpareFolder {
  /**
   * Moves the spare to `dataDir` (which must not exist yet), waiting for one still being made;
   * false when there is none (the mirror then sets up its own folder).
   */
  claim(dataDir: string): Promise<boolean>;
  /** Stops making one (app exit); a half-made spare is removed. */
  close(): Promise<void>;
}

/** Creates a mirror's store in `dir` with the worker the mirrors use, then closes it. */
async function makeStore(worker: Worker): Promise<void> {
  try {
    const store = workerClient<MirrorOps>(worker, 'spare store');
    await store.call('state', {});
    await store.call('close', {});
  } finally {
    await worker.terminate();
  }
}

/** Starts making the spare at `spareDir` unless one is there already. */
export function spareFolder(spareDir: string, workerUrl: URL | string, logger: Pick<Logger, 'warn'>): SpareFolder {
  const life = { closed: false };
  let worker: Worker | null = null;
  const making = (async (): Promise<boolean> => {
    if (await pathExists(spareDir)) return true;
    const building = `${spareDir}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      worker = startWorker(workerUrl, { role: 'store', dataDir: building, bulkBacklog: null, searchChunk: null });
      await makeStore(worker);
      if (life.closed) throw new Error('closed');
      await rename(building, spareDir);
      return true;
    } catch (error) {
      await rm(building, { recursive: true, force: true }).catch(() => undefined);
      if (!life.closed) logger.warn({ err: error }, 'could not set up a spare audit mirror folder');
      return false;
    }
  })();

  return {
    claim: async (dataDir) => {
      if (!(await making)) return false;
      try {
        await rename(spareDir, dataDir);
        return true;
      } catch {
        // Claimed already (the spare serves one mirror), or the rename failed: the mirror sets up its own.
        return false;
      }
    },
    close: async () => {
      life.closed = true;
      await worker?.terminate();
      await making;
    },
  };
}
