import { defineConfig } from '@playwright/test';

// Playwright cannot download browsers here: every browser project uses Debian's Chromium.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // Two spec files at a time (each starts its own shop and browsers on free ports); the journeys,
  // each a whole product started by its launcher, one at a time.
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  reporter: process.env.CI ? [['list'], ['json', { outputFile: 'reports/e2e.json' }]] : 'list',
  use: {
    headless: true,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'storefront', testDir: 'e2e/storefront' },
    { name: 'browser', testDir: 'e2e/browser' },
    { name: 'electron', testDir: 'e2e/electron' },
    // The product started by its own launcher (npm start), one long journey per role.
    { name: 'journeys', testDir: 'e2e/journeys', timeout: 300_000, workers: 1 },
  ],
});
