import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the Electron binary is, without `require('electron')`: that require starts a download
 * when the binary is missing, which these machines cannot do. Reads the same path.txt the
 * electron package writes after installing its binary.
 */
export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };

export const ELECTRON_MISSING_MESSAGE =
  'Electron binary not installed (node_modules/electron/dist missing): run `npx install-electron` where the network allows';

export function findElectronBinary(projectRoot: string): ElectronBinary {
  const packageDir = join(projectRoot, 'node_modules', 'electron');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const path = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
    return existsSync(path)
      ? { found: true, path }
      : { found: false, reason: `${ELECTRON_MISSING_MESSAGE} (ELECTRON_OVERRIDE_DIST_PATH has no electron)` };
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return { found: false, reason: ELECTRON_MISSING_MESSAGE };
  const path = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(path) ? { found: true, path } : { found: false, reason: ELECTRON_MISSING_MESSAGE };
}
