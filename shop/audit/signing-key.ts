import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { fromBase64Url, signingKeyPair, toBase64Url, type SigningKeyPair } from '../../shared/audit/checkpoint';
import type { Clock } from '../lib/clock';

/**
 * The shop's audit signing key, kept outside the database: someone who can rewrite the database
 * must not be able to sign. A JSON file (0600) in the data folder by default, another file with
 * `--audit-key-file`, or the seed itself in CONCIERGE_AUDIT_SIGNING_KEY (no file then).
 */

export const AUDIT_KEY_FILE_NAME = 'audit-signing-key.json';
export const AUDIT_KEY_ENV = 'CONCIERGE_AUDIT_SIGNING_KEY';

export class SigningKeyError extends Error {
  override name = 'SigningKeyError';
}

/** The 32-byte seed as base64url: 43 characters. */
const Seed = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes as base64url (43 characters)');

const KeyFile = z.object({ keyId: z.string(), secretKey: Seed, createdAt: z.iso.datetime({ offset: true }) });
type KeyFile = z.infer<typeof KeyFile>;

export interface LoadedSigningKey {
  readonly key: SigningKeyPair;
  /** When the key was made (the file's createdAt; the first start's time for a key from the environment). */
  readonly createdAt: string;
  /** Where it came from, for messages: a file path, the environment variable, or memory only. */
  readonly source: string;
}

/** Where the key file lives: `--audit-key-file`, else `<dataDir>/audit-signing-key.json`, else nowhere. */
export function auditKeyFileOf(options: { auditKeyFile?: string; dataDir?: string }): string | null {
  if (options.auditKeyFile !== undefined) return options.auditKeyFile;
  return options.dataDir === undefined ? null : join(options.dataDir, AUDIT_KEY_FILE_NAME);
}

/**
 * The signing key: from `seed` (the environment's base64url seed) when given, else from `file`
 * (created 0600 on first use), else a new key held in memory only (a throwaway in-memory shop).
 */
export async function loadSigningKey(source: {
  seed?: string | undefined;
  file: string | null;
  clock: Clock;
}): Promise<LoadedSigningKey> {
  const now = source.clock.now().toISOString();
  if (source.seed !== undefined) {
    const seed = Seed.safeParse(source.seed.trim());
    if (!seed.success)
      throw new SigningKeyError(`${AUDIT_KEY_ENV} is not an Ed25519 seed: it ${seed.error.issues[0]?.message ?? ''}.`);
    return { key: signingKeyPair(fromBase64Url(seed.data)), createdAt: now, source: AUDIT_KEY_ENV };
  }
  if (source.file === null) return { key: signingKeyPair(), createdAt: now, source: 'memory (not kept)' };
  const existing = await readKeyFile(source.file);
  if (existing) return existing;
  const created = newKeyFile(now);
  await writeKeyFileOnce(source.file, created);
  // Another process may have created it first: what is on disk wins.
  const written = await readKeyFile(source.file);
  if (!written)
    throw new SigningKeyError(`The audit signing key file ${source.file} vanished right after it was written.`);
  return written;
}

function newKeyFile(createdAt: string): KeyFile {
  const key = signingKeyPair();
  return { keyId: key.keyId, secretKey: toBase64Url(key.secretKey), createdAt };
}

/** The key in `file`, or null when there is none; refuses a file others may read or a malformed one. */
async function readKeyFile(file: string): Promise<LoadedSigningKey | null> {
  let text: string;
  try {
    const info = await stat(file);
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      throw new SigningKeyError(
        `The audit signing key file ${file} may be read by others (mode ${(info.mode & 0o777).toString(8)}): run chmod 600 ${file}, and rotate the key (--rotate-audit-key) if someone else could have read it.`,
      );
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof SigningKeyError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SigningKeyError(`Cannot read the audit signing key file ${file}: ${(error as Error).message}`);
  }
  let parsed: KeyFile;
  try {
    parsed = KeyFile.parse(JSON.parse(text));
  } catch {
    throw new SigningKeyError(
      `The audit signing key file ${file} is not a key file ({"keyId", "secretKey", "createdAt"}); restore it from a backup, or move it away to start with a new key.`,
    );
  }
  const key = signingKeyPair(fromBase64Url(parsed.secretKey));
  if (key.keyId !== parsed.keyId)
    throw new SigningKeyError(
      `The audit signing key file ${file} says keyId ${parsed.keyId}, but its secret key's id is ${key.keyId}: the file was altered.`,
    );
  return { key, createdAt: parsed.createdAt, source: file };
}

/** Writes the file complete or not at all, never over an existing one (link fails if it exists). */
async function writeKeyFileOnce(file: string, content: KeyFile): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temp);
  }
}

export interface Rotation {
  readonly file: string;
  readonly newKeyId: string;
  /** The replaced key, kept beside it; null when there was no key yet. */
  readonly retired: { keyId: string; file: string } | null;
}

/** `audit-signing-key.json` → `audit-signing-key.<keyId>.retired.json`, beside it. */
export function retiredKeyFileOf(file: string, keyId: string): string {
  return join(dirname(file), `${basename(file).replace(/\.json$/, '')}.${keyId}.retired.json`);
}

/**
 * Replaces the key file with a new key, keeping the old one as `<name>.<oldKeyId>.retired.json`
 * (0600). The shop signs with the new key, and retires the old one in the database, at its next start.
 */
export async function rotateSigningKeyFile(file: string, clock: Clock): Promise<Rotation> {
  const old = await readKeyFile(file);
  const created = newKeyFile(clock.now().toISOString());
  if (!old) {
    await writeKeyFileOnce(file, created);
    return { file, newKeyId: created.keyId, retired: null };
  }
  const retiredFile = retiredKeyFileOf(file, old.key.keyId);
  try {
    await link(file, retiredFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new SigningKeyError(`${retiredFile} already exists: move it away before rotating again.`);
    throw error;
  }
  await chmod(retiredFile, 0o600);
  await writeFileAtomic(file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
  return { file, newKeyId: created.keyId, retired: { keyId: old.key.keyId, file: retiredFile } };
}
