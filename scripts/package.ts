// `npm run package`: the console as an installer for this machine's OS, in dist/ (electron-builder.ts says
// which). The installer carries the Electron binary, so this checks for it first and then hands electron-builder
// the local copy (electronDist) instead of letting it download its own.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'electron-builder';
import config from '../electron-builder';
import { findElectronBinary } from '../main/core/electron-binary';

const USAGE = `usage: npm run package [-- --dir]
  --dir        the unpacked app only (dist/<os>-unpacked), no installer: quicker, and needs no packaging tools
  -h, --help   this help`;

const root = resolve(import.meta.dirname, '..');

/** The folder electron-builder copies Electron from: where findElectronBinary found it. */
function electronDistFolder(projectRoot: string, env: NodeJS.ProcessEnv): string {
  return env.ELECTRON_OVERRIDE_DIST_PATH ?? join(projectRoot, 'node_modules', 'electron', 'dist');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { dir: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const electron = findElectronBinary(root);
  if (!electron.found) {
    const { version } = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as {
      version: string;
    };
    console.error(`Cannot package: ${electron.reason}.`);
    console.error(
      'Every installer carries the Electron binary, as the desktop mode of `npm start` needs it. Or point ' +
        `ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron ${version} for this OS, ` +
        'then run `npm run package` again.',
    );
    return 1;
  }

  const electronVite = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const vite = spawnSync(process.execPath, [electronVite, 'build'], { cwd: root, stdio: 'inherit' });
  if (vite.status !== 0) {
    console.error('Cannot package: building the console failed (see above).');
    return 1;
  }

  const artifacts = await build({
    projectDir: root,
    config: { ...config, electronDist: electronDistFolder(root, process.env) },
    dir: values.dir,
    publish: 'never',
  });
  // The unpacked app (--dir) is not an artifact: electron-builder lists none then.
  console.log(['Packaged into dist/', ...artifacts.map((file) => `  ${file}`)].join('\n'));
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('Packaging failed:', error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
