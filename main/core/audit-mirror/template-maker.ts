/**
 * Makes an empty mirror folder (template.ts) in a process of its own, then exits 0 once the folder
 * is whole. PGlite's initdb left 130–240 MB resident in the process that ran it, even after its
 * thread had ended (docs/PERFORMANCE.md, "Startup"), so the console never runs it itself.
 * The folder comes in TEMPLATE_DIR_ENV; a Node child process (the browser tier) or an Electron
 * utility process runs this file.
 */
import { SEARCH_CHUNK } from './schema';
import { openStoreContext } from './store-context';
import { TEMPLATE_DIR_ENV } from './template';

async function make(dir: string): Promise<void> {
  const ctx = await openStoreContext(dir, SEARCH_CHUNK);
  await ctx.db.close();
}

const dir = process.env[TEMPLATE_DIR_ENV];
if (!dir) {
  process.stderr.write(`${TEMPLATE_DIR_ENV} is not set\n`);
  process.exit(2);
}
make(dir).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
