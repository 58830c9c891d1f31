import { randomBytes } from 'node:crypto';
import { access, chmod, mkdir, rename, rm } from 'node:fs/promises';

/** Whether something exists at `path`. */
export const pathExists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Creates `path` and any missing parents on first use, and makes `path` itself private to this
 * user (0700): the console's folders hold customer data, tokens and logs. An existing folder
 * is tightened too, since mkdir's mode only applies to folders it creates.
 */
export async function ensurePrivateDir(path: string): Promise<string> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') await chmod(path, 0o700);
  return path;
}

/**
 * Makes `target` whole or not at all: `make` builds it at a temporary sibling, which is then
 * renamed into place; on failure the sibling is removed and the error rethrown.
 */
export async function madeWhole(target: string, make: (building: string) => Promise<void>): Promise<void> {
  const building = `${target}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await make(building);
    await rename(building, target);
  } catch (error) {
    await rm(building, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}
