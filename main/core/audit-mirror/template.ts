/**
 * The mirror template: an empty mirror folder (PGlite's initdb and the mirror's schema), made
 * once per install in the background and kept. Creating a PGlite database takes seconds; copying
 * this folder takes a fraction of that (docs/PERFORMANCE.md, "Startup"), so every new mirror —
 * a first sign-in, the next person at the machine, another shop — starts as a copy of it.
 */
import { randomBytes } from 'node:crypto';
import { readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { Logger } from '../logging';
import { ensurePrivateDir, pathExists } from '../private-dir';
import type { MirrorOps } from './protocol';
import { MIRROR_SCHEMA_VERSION } from './schema';
import { startWorker, workerClient } from './worker-client';

export interface MirrorTemplate {
  /** The template's folder, waiting for one still being made; null when it could not be made. */
  ready(): Promise<string | null>;
  /** Stops making one (app exit); a half-made template is removed. */
  close(): Promise<void>;
}

/** The template's folder name: a new schema version gets a new template. */
export const TEMPLATE_FOLDER = `template-v${String(MIRROR_SCHEMA_VERSION)}`;

/** Earlier versions' templates (and the spare folder an earlier release kept), removed once this one exists. */
const OUTDATED = /^(template-v\d+|spare)$/;

/** Creates a mirror's store with the worker the mirrors use, then closes it. */
async function makeStore(worker: Worker): Promise<void> {
  try {
    const store = workerClient<MirrorOps>(worker, 'template store');
    await store.call('state', {});
    await store.call('close', {});
  } finally {
    await worker.terminate();
  }
}

async function removeOutdated(templateDir: string): Promise<void> {
  const parent = dirname(templateDir);
  for (const name of await readdir(parent).catch(() => []))
    if (OUTDATED.test(name) && name !== basename(templateDir))
      await rm(join(parent, name), { recursive: true, force: true });
}

/** Starts making the template at `templateDir` unless it is there already (made whole, then renamed into place). */
export function mirrorTemplate(
  templateDir: string,
  workerUrl: URL | string,
  logger: Pick<Logger, 'warn'>,
): MirrorTemplate {
  const life = { closed: false };
  let worker: Worker | null = null;
  const making = (async (): Promise<string | null> => {
    if (await pathExists(templateDir)) return templateDir;
    const building = `${templateDir}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await ensurePrivateDir(dirname(templateDir));
      worker = startWorker(workerUrl, {
        role: 'store',
        dataDir: building,
        templateDir: null,
        bulkBacklog: null,
        searchChunk: null,
      });
      await makeStore(worker);
      if (life.closed) throw new Error('closed');
      await rename(building, templateDir);
      await removeOutdated(templateDir);
      return templateDir;
    } catch (error) {
      await rm(building, { recursive: true, force: true }).catch(() => undefined);
      // Another console on this machine may have renamed its own into place first.
      if (await pathExists(templateDir)) return templateDir;
      if (!life.closed) logger.warn({ err: error }, 'could not set up the audit mirror template');
      return null;
    }
  })();

  return {
    ready: () => making,
    close: async () => {
      life.closed = true;
      await worker?.terminate();
      await making;
    },
  };
}
