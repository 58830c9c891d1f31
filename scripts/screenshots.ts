// `npm run screenshots`: refreshes the README's pictures on purpose. Runs the specs that take them
// with SCREENSHOT_DIR=docs/screenshots (tests alone write to the ignored reports/screenshots/), keeps
// only the pictures README.md shows, and fails if one of those was not rewritten, so a stale one cannot hide.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dir = 'docs/screenshots';
const started = Date.now();

const playwright = (args: string[]) =>
  spawnSync(process.execPath, [resolve(root, 'node_modules/@playwright/test/cli.js'), 'test', ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, SCREENSHOT_DIR: dir },
  });
const run = playwright(['--project', 'storefront', '--project', 'browser']);
if (run.status !== 0) process.exit(run.status ?? 1);
// The console on Medusa: needs the connector installed (npm run medusa:install) and TEST_DATABASE_URL.
const medusa = playwright(['--project', 'journeys', 'e2e/journeys/medusa.spec.ts']);
if (medusa.status !== 0) process.exit(medusa.status ?? 1);

const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
const shown = new Set([...readme.matchAll(/docs\/screenshots\/([\w-]+\.png)/g)].map((m) => m[1] ?? ''));
// Specs take more pictures than the README shows: those stay in reports/ only.
for (const name of readdirSync(resolve(root, dir))) {
  if (name.endsWith('.png') && !shown.has(name)) rmSync(resolve(root, dir, name));
}
const stale = [...shown].filter((name) => {
  const file = resolve(root, dir, name);
  return !existsSync(file) || statSync(file).mtimeMs < started;
});
if (stale.length > 0) {
  console.error(`README.md shows pictures the specs did not take: ${stale.join(', ')}`);
  process.exit(1);
}
console.log(`Refreshed the ${shown.size} pictures README.md shows in ${dir}/`);
