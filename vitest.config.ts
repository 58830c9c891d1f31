import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Three kinds of test: the shop, the console core and the benchmark reports run under Node against real components;
// renderer components run in happy-dom.
export default defineConfig({
  plugins: [react()],
  test: {
    // Three files at a time on two cores (vitest's default is one): most files wait on PGlite,
    // PostgreSQL or a shop process. Two took CI from about 1,000 s to 720 s; a third, with the
    // Medusa connector's tests added, is what keeps CI within its 25 minutes.
    maxWorkers: 3,
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'reports/vitest.json' }]] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'shop',
          include: ['shop/**/*.test.ts', 'shared/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        extends: true,
        test: {
          name: 'main',
          include: [
            'main/**/*.test.ts',
            'scripts/**/*.test.ts',
            'bench/**/*.test.ts',
            'conformance/**/*.test.ts',
            'connectors/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        extends: true,
        test: {
          name: 'renderer',
          include: ['renderer/**/*.test.tsx', 'renderer/**/*.test.ts'],
          environment: 'happy-dom',
          testTimeout: 20_000,
        },
      },
    ],
  },
});
