import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILT_TEMPLATE_MAKER_FILE } from './audit-mirror/template';
import { BUILT_WORKER_FILE } from './audit-mirror/worker-client';

/**
 * Whether the built console (out/) is older than its sources, so `npm start` rebuilds only
 * when something changed.
 */
const SOURCE_DIRS = ['main', 'preload', 'renderer', 'shared'];
const SOURCE_FILES = ['electron.vite.config.ts', 'package.json'];
/** The browser-tier console in the build (out/main/), an electron-vite main input of that name; the launcher runs it. */
export const BUILT_BROWSER_TIER_FILE = 'browser-tier.js';

const OUTPUTS = [
  'out/main/index.js',
  `out/main/${BUILT_BROWSER_TIER_FILE}`,
  `out/main/${BUILT_WORKER_FILE}`,
  `out/main/${BUILT_TEMPLATE_MAKER_FILE}`,
  'out/preload/console.cjs',
  'out/preload/banner.cjs',
  'out/renderer/index.html',
  'out/renderer/banner.html',
];

async function newestIn(dir: string): Promise<number> {
  let newest = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestIn(path));
    else if (!entry.name.endsWith('.test.ts') && !entry.name.endsWith('.test.tsx'))
      newest = Math.max(newest, (await stat(path)).mtimeMs);
  }
  return newest;
}

/** null when out/ is up to date, else why it must be rebuilt. */
export async function staleBuild(projectRoot: string): Promise<string | null> {
  let oldestOutput = Infinity;
  for (const output of OUTPUTS) {
    try {
      oldestOutput = Math.min(oldestOutput, (await stat(join(projectRoot, output))).mtimeMs);
    } catch {
      return `${output} is missing`;
    }
  }
  let newestSource = 0;
  for (const dir of SOURCE_DIRS) newestSource = Math.max(newestSource, await newestIn(join(projectRoot, dir)));
  for (const file of SOURCE_FILES)
    newestSource = Math.max(
      newestSource,
      await stat(join(projectRoot, file)).then(
        (s) => s.mtimeMs,
        () => 0,
      ),
    );
  return newestSource > oldestOutput ? 'sources changed since the last build' : null;
}
