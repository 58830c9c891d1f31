// `npm run icon`: renders build/icon.svg to build/icon.png, 1024×1024 with a transparent background: the one
// picture electron-builder turns into each OS's icon (.icns, .ico, the Linux sizes). The PNG is committed on purpose.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium } from '@playwright/test';

const ICON_SIZE = 1024;

const root = resolve(import.meta.dirname, '..');
const source = resolve(root, 'build/icon.svg');
const target = resolve(root, 'build/icon.png');

const svg = await readFile(source, 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ viewport: { width: ICON_SIZE, height: ICON_SIZE }, deviceScaleFactor: 1 });
  const style = `html, body { margin: 0; background: transparent; } svg { display: block; }`;
  await page.setContent(`<style>${style}</style>${svg}`);
  await page.screenshot({ path: target, omitBackground: true });
} finally {
  await browser.close();
}
console.log(`Rendered build/icon.svg to build/icon.png (${ICON_SIZE}×${ICON_SIZE})`);
