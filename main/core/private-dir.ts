import { access, chmod, mkdir } from 'node:fs/promises';

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
