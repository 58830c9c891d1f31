// `npm run screenshots`: refreshes the README's pictures on purpose. Runs the specs that take them
// with SCREENSHOT_DIR=docs/screenshots (tests alone write to the ignored reports/screenshots/), then
// fails if any picture in docs/screenshots/ was not rewritten, so a stale one cannot hide.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dir = 'docs/screenshots';
const started = Date.now();

const run = spawnSync(
  process.execPath,
  [resolve(root, 'node_modules/@playwright/test/cli.js'), 'test', '--project', 'storefront', '--project', 'browser'],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, SCREENSHOT_DIR: dir },
  },
);
if (run.status !== 0) process.exit(run.status ?? 1);

const pictures = readdirSync(resolve(root, dir)).filter((name) => name.endsWith('.png'));
const stale = pictures.filter((name) => statSync(resolve(root, dir, name)).mtimeMs < started);
if (stale.length > 0) {
  console.error(`Not rewritten by the specs (remove them or take them again): ${stale.join(', ')}`);
  process.exit(1);
}
console.log(`Refreshed ${pictures.length} pictures in ${dir}/`);
