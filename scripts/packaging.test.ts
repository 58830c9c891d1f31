import { existsSync, readFileSync } from 'node:fs';
import { matchesGlob, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import config, { electronFuses } from '../electron-builder';

// The packaging configuration against issue 21's requirements, without building anything (no Electron binary needed).
const root = resolve(import.meta.dirname, '..');
const packageJson = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  name: string;
  main: string;
  scripts: Record<string, string>;
};

function targetsOf(platform: { target?: unknown } | null | undefined): unknown[] {
  const target = platform?.target;
  return Array.isArray(target) ? target : [target];
}

/** Width, height, bit depth and colour type from a PNG's IHDR chunk, the first after the signature. */
function pngHeader(file: string) {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  return {
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
    bitDepth: bytes.readUInt8(24),
    colorType: bytes.readUInt8(25),
  };
}

describe('electron-builder configuration', () => {
  it('names the app consistently with package.json', () => {
    expect(config.appId).toBe('com.concierge.console');
    expect(config.productName?.toLowerCase()).toBe(packageJson.name);
  });

  it('builds AppImage and deb on Linux, an NSIS installer on Windows, a dmg on macOS', () => {
    expect(targetsOf(config.linux)).toEqual(['AppImage', 'deb']);
    expect(targetsOf(config.win)).toEqual(['nsis']);
    expect(targetsOf(config.mac)).toEqual(['dmg']);
  });

  it('packs the app into app.asar, with native binaries unpacked', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(['**/*.node']);
  });

  it('writes to dist/, which git ignores', () => {
    expect(config.directories?.output).toBe('dist');
    expect(readFileSync(resolve(root, '.gitignore'), 'utf8').split('\n')).toContain('dist/');
  });

  it('ships the built console and package.json, not sources, tests or the browser tier', () => {
    const patterns = config.files;
    if (!Array.isArray(patterns) || !patterns.every((pattern) => typeof pattern === 'string')) {
      throw new Error('files should be a list of patterns');
    }
    const included = patterns.filter((pattern) => !pattern.startsWith('!'));
    const excluded = patterns.filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1));
    expect(included).toEqual(['package.json', 'out/**/*']);
    const shipped = (file: string) =>
      included.some((pattern) => matchesGlob(file, pattern)) && !excluded.some((pattern) => matchesGlob(file, pattern));

    expect(packageJson.main).toBe('out/main/index.js');
    for (const file of [
      packageJson.main,
      'out/main/audit-mirror-worker.js',
      'out/main/audit-template-maker.js',
      'out/main/chunks/console-core-abc123.js',
      'out/preload/console.cjs',
      'out/renderer/index.html',
      'package.json',
    ])
      expect(shipped(file), file).toBe(true);
    for (const file of [
      'main/electron/index.ts',
      'main/core/vault.test.ts',
      'shop/cli.ts',
      'renderer/src/main.tsx',
      'e2e/electron/console.spec.ts',
      'scripts/package.ts',
      'electron-builder.ts',
      'build/icon.svg',
      '.data/console/open-sessions.json',
      'out/main/browser-tier.js',
      'out/main/index.js.map',
      'node_modules/@electric-sql/pglite/dist/index.js.map',
    ])
      expect(shipped(file), file).toBe(false);
  });

  it('has a 1024×1024 RGBA icon for electron-builder to derive every OS icon from', () => {
    expect(config.icon).toBe('build/icon.png');
    const icon = resolve(root, config.icon ?? '');
    expect(existsSync(icon)).toBe(true);
    expect(pngHeader(icon)).toEqual({ width: 1024, height: 1024, bitDepth: 8, colorType: 6 });
    expect(existsSync(resolve(root, 'build/icon.svg'))).toBe(true);
    expect(packageJson.scripts.icon).toBe('tsx scripts/make-icon.ts');
  });

  it('publishes nothing: auto-update is out of scope', () => {
    expect(config.publish).toBeNull();
  });
});

describe('Electron fuses', () => {
  it('are set as issue 21 asks', () => {
    expect(electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('are the ones electron-builder flips when it packages', () => {
    expect(config.electronFuses).toBe(electronFuses);
  });
});

describe('npm run package', () => {
  it('runs the wrapper that checks for the Electron binary first', () => {
    expect(packageJson.scripts.package).toBe('tsx scripts/package.ts');
  });
});
