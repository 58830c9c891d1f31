import { resolve } from 'node:path';

// Specs must not write tracked files: pictures go to the ignored reports/screenshots/ unless
// `npm run screenshots` sets SCREENSHOT_DIR=docs/screenshots to refresh the README's on purpose.
const root = resolve(import.meta.dirname, '..');

/** The file a spec saves the screenshot `name` to (SCREENSHOT_DIR is relative to the repository). */
export function screenshotPath(name: string): string {
  return resolve(root, process.env.SCREENSHOT_DIR ?? 'reports/screenshots', `${name}.png`);
}
