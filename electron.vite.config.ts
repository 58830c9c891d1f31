import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Three builds: main (Node, ESM), the two preloads (sandboxed, so each is one self-contained
// CommonJS file with no imports left), and the renderer with its two pages (console, banner).
const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // Pure-JS dependencies bundled in: resolving and loading their hundreds of files took the
      // console ~0.1 s longer to start. PGlite (WebAssembly files beside it), the keyring (native)
      // and Playwright stay in node_modules.
      externalizeDeps: {
        exclude: [
          'zod',
          'ky',
          'pino',
          '@noble/curves',
          '@noble/hashes',
          'write-file-atomic',
          'rotating-file-stream',
          'content-disposition',
          'csv-stringify',
        ],
      },
      rolldownOptions: {
        // The audit mirror's worker and template maker under fixed names: Electron and the launcher's browser tier start them from there.
        input: {
          index: resolve(root, 'main/electron/index.ts'),
          'audit-mirror-worker': resolve(root, 'main/core/audit-mirror/worker.ts'),
          'audit-template-maker': resolve(root, 'main/core/audit-mirror/template-maker.ts'),
          'browser-tier': resolve(root, 'main/browser-tier/cli.ts'),
        },
        // The browser tier's view host loads Playwright (a dev dependency) from node_modules.
        external: ['@playwright/test'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads can only `require('electron')`: bundle every other dependency in.
      externalizeDeps: false,
      isolatedEntries: true,
      rolldownOptions: {
        input: { console: resolve(root, 'preload/console.ts'), banner: resolve(root, 'preload/banner.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      // electron-vite leaves the renderer unminified; minified, the sign-in screen parses ~0.3 s sooner.
      minify: true,
      rolldownOptions: {
        input: { index: resolve(root, 'renderer/index.html'), banner: resolve(root, 'renderer/banner.html') },
      },
    },
  },
});
