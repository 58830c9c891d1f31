import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';

/**
 * The browser tier's token, kept in the console's private data folder (0600) so the address an
 * agent opened keeps working after the console restarts; a missing or damaged file gets a new one.
 */
const TOKEN = /^[0-9a-f]{64}$/;

export async function loadOrCreateToken(path: string): Promise<string> {
  const existing = await readFile(path, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  if (TOKEN.test(existing)) return existing;
  const token = randomBytes(32).toString('hex');
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${token}\n`, { mode: 0o600 });
  await rename(temporary, path);
  return token;
}
