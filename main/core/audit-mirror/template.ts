/**
 * The mirror template: an empty mirror folder (PGlite's initdb and the mirror's schema), made
 * once per install in the background and kept. Creating a PGlite database takes seconds; copying
 * this folder takes a fraction of that (docs/PERFORMANCE.md, "Startup"), so every new mirror —
 * a first sign-in, the next person at the machine, another shop — starts as a copy of it.
 * It is made in a process of its own (template-maker.ts): initdb leaves memory behind.
 */
import { fork } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from '../logging';
import { ensurePrivateDir, madeWhole, pathExists } from '../private-dir';
import { MIRROR_SCHEMA_VERSION } from './schema';

export interface MirrorTemplate {
  /** The template's folder, waiting for one still being made; null when it could not be made. */
  ready(): Promise<string | null>;
  /** Stops making one (app exit); a half-made template is removed. */
  close(): Promise<void>;
}

/** Runs template-maker.ts for `folder` in a process of its own; resolves once it exited 0. Aborting stops it. */
export type TemplateMaker = (folder: string, signal: AbortSignal) => Promise<void>;

/** The template's folder name: a new schema version gets a new template. */
export const TEMPLATE_FOLDER = `template-v${String(MIRROR_SCHEMA_VERSION)}`;
/** Where template-maker.ts reads the folder to make. */
export const TEMPLATE_DIR_ENV = 'CONCIERGE_AUDIT_TEMPLATE_DIR';
/** The template maker in the build (out/main/), an electron-vite main input of that name. */
export const BUILT_TEMPLATE_MAKER_FILE = 'audit-template-maker.js';

/** template-maker.ts beside this file (tests, tsx), or the built one beside the built code. */
export function defaultTemplateMakerFile(): string {
  const here = import.meta.url;
  return fileURLToPath(new URL(here.endsWith('.ts') ? './template-maker.ts' : `./${BUILT_TEMPLATE_MAKER_FILE}`, here));
}

/** The maker as a Node child process (the browser tier, tests); a .ts file runs under tsx. */
export function nodeTemplateMaker(file: string): TemplateMaker {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return (folder, signal) =>
    new Promise((resolve, reject) => {
      const child = fork(file, [], {
        env: { ...process.env, [TEMPLATE_DIR_ENV]: folder },
        execArgv: file.endsWith('.ts') ? ['--import', tsx] : [],
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        signal,
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-400);
      });
      child.on('error', reject);
      child.on('exit', (code, exitSignal) => {
        if (code === 0) resolve();
        else reject(new Error(`the template maker exited (${String(exitSignal ?? code)}): ${stderr.trim()}`));
      });
    });
}

/** Earlier versions' templates (and the spare folder an earlier release kept), removed once this one exists. */
const OUTDATED = /^(template-v\d+|spare)$/;

async function removeOutdated(templateDir: string): Promise<void> {
  const parent = dirname(templateDir);
  for (const name of await readdir(parent).catch(() => []))
    if (OUTDATED.test(name) && name !== basename(templateDir))
      await rm(join(parent, name), { recursive: true, force: true });
}

/** Starts making the template at `templateDir` unless it is there already (made whole, then renamed into place). */
export function mirrorTemplate(templateDir: string, make: TemplateMaker, logger: Pick<Logger, 'warn'>): MirrorTemplate {
  const stop = new AbortController();
  const making = (async (): Promise<string | null> => {
    if (await pathExists(templateDir)) return templateDir;
    try {
      await ensurePrivateDir(dirname(templateDir));
      await madeWhole(templateDir, async (building) => {
        await make(building, stop.signal);
        if (stop.signal.aborted) throw new Error('closed');
      });
      await removeOutdated(templateDir);
      return templateDir;
    } catch (error) {
      // Another console on this machine may have renamed its own into place first.
      if (await pathExists(templateDir)) return templateDir;
      if (!stop.signal.aborted) logger.warn({ err: error }, 'could not set up the audit mirror template');
      return null;
    }
  })();

  return {
    ready: () => making,
    close: async () => {
      stop.abort();
      await making;
    },
  };
}
