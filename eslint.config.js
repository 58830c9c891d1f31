// Lint rules that carry the architecture: only main-process glue may import electron, and the
// project's shared/ stays free of platform code so the shop, the console and the renderer can all use it.
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const electronOnlyInGlue = {
  paths: [
    {
      name: 'electron',
      message: 'Only main/electron/ (the glue) and preload/ may import electron; put logic in a core module.',
    },
  ],
  patterns: [{ group: ['electron/*'], message: 'Only main/electron/ and preload/ may import electron.' }],
};

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'crypto',
  'child_process',
  'http',
  'https',
  'net',
  'url',
  'worker_threads',
  'stream',
  'util',
  'events',
  'buffer',
];

export default defineConfig(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'playwright-report/',
      'test-results/',
      '.data/',
      '.tmp/',
      'connectors/medusa/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', electronOnlyInGlue],
      // A function longer than a screen and a half is a module in disguise: split it by concern.
      'max-lines-per-function': ['error', { max: 120, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
  {
    files: ['main/electron/**/*.ts', 'preload/**/*.ts', 'e2e/electron/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'shared/ is platform-free.' },
            { name: 'react', message: 'shared/ is platform-free.' },
            { name: 'pg', message: 'shared/ is platform-free.' },
          ],
          patterns: [
            { group: nodeBuiltins, message: 'shared/ is platform-free: no Node I/O, no Electron, no DOM.' },
            {
              group: [
                'electron/*',
                '../main/*',
                '../shop/*',
                '../renderer/*',
                '../../main/*',
                '../../shop/*',
                '../../renderer/*',
              ],
              message: 'shared/ must not depend on the packages that use it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer reaches main only through the preload bridge.' }],
          patterns: [
            { group: nodeBuiltins, message: 'The renderer has no Node access.' },
            {
              group: ['**/main/*', '**/shop/*'],
              message: 'The renderer reaches main only through the preload bridge.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'e2e/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // A test file's describe block holds its cases; its length is the number of cases, not a design smell.
    files: ['**/*.test.ts', '**/*.test.tsx', 'e2e/**/*.ts'],
    rules: { 'max-lines-per-function': 'off' },
  },
);
