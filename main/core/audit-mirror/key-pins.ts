import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { AuditKeyId, AuditKeys, AuditSigningKey } from '../../../shared/api/audit';
import { KeyPinSource } from '../../../shared/ipc/contract';
import { ensurePrivateDir } from '../private-dir';

/**
 * The shop signing keys this console trusts (pins), kept outside the mirror (a cache that may be
 * dropped and synced again) so a key pinned once stays pinned. On the first sync the keys the
 * shop lists are pinned (trust on first use) unless configuration names them; later, a key the
 * shop lists that is not pinned is a warning until a person trusts it.
 */

export const PinnedKey = z.object({
  keyId: AuditKeyId,
  publicKey: AuditSigningKey.shape.publicKey,
  pinnedAt: z.string(),
  source: KeyPinSource,
});
export type PinnedKey = z.infer<typeof PinnedKey>;

const PinsFile = z.object({ version: z.literal(1), keys: z.array(PinnedKey) });

export interface KeyPins {
  list(): Promise<PinnedKey[]>;
  /** Adds keys not pinned yet (a key id already pinned keeps its first pin). */
  add(keys: readonly PinnedKey[]): Promise<PinnedKey[]>;
  /** Whether configuration names the keys (then nothing is pinned on first use). */
  readonly configured: boolean;
}

/** A pins file that cannot be read as pins: the console must not quietly trust whatever the shop says next. */
export class KeyPinsFileError extends Error {}

async function readPins(file: string): Promise<PinnedKey[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed = PinsFile.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new KeyPinsFileError(`The pinned signing keys in ${file} are not readable; fix or remove the file.`);
  return parsed.data.keys;
}

/**
 * Pins in `file` (null: in memory, for a console without a data folder), plus the keys
 * configuration names, pinned as 'configuration'.
 */
export function keyPinsIn(file: string | null, configured: readonly AuditSigningKey[] = []): KeyPins {
  const fromConfiguration: PinnedKey[] = configured.map((k) => ({
    keyId: k.keyId,
    publicKey: k.publicKey,
    pinnedAt: k.createdAt,
    source: 'configuration',
  }));
  /** Keys not already in `pinned`, by id (a key id pinned once keeps its first pin). */
  const newOnes = (pinned: readonly PinnedKey[], keys: readonly PinnedKey[]) => {
    const ids = new Set(pinned.map((k) => k.keyId));
    return keys.filter((k) => !ids.has(k.keyId));
  };
  // Read once (every sync asks): this console is the file's only writer.
  let stored: Promise<PinnedKey[]> | null = null;
  const pinnedSoFar = () =>
    (stored ??= (file ? readPins(file) : Promise.resolve([])).catch((error: unknown) => {
      // A file someone fixes is read again next time.
      stored = null;
      throw error;
    }));
  const list = async () => {
    const pinned = await pinnedSoFar();
    return [...pinned, ...newOnes(pinned, fromConfiguration)];
  };
  return {
    configured: fromConfiguration.length > 0,
    list,
    add: async (keys) => {
      const pinned = await pinnedSoFar();
      const next = [...pinned, ...newOnes(pinned, keys)];
      if (file) {
        await ensurePrivateDir(dirname(file));
        await writeFileAtomic(file, `${JSON.stringify({ version: 1, keys: next }, null, 2)}\n`, { mode: 0o600 });
      }
      stored = Promise.resolve(next);
      return list();
    },
  };
}

/** The env variable naming a keys file (the body of the shop's GET /audit/keys) whose keys the console pins. */
export const AUDIT_KEYS_ENV = 'CONCIERGE_AUDIT_KEYS';

/** The keys configuration names (`CONCIERGE_AUDIT_KEYS=<file>`), none when unset; a bad file stops the start with a clear message. */
export function configuredSigningKeys(env: NodeJS.ProcessEnv): AuditSigningKey[] {
  const file = env[AUDIT_KEYS_ENV];
  if (!file) return [];
  let body: unknown;
  try {
    body = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new KeyPinsFileError(
      `${AUDIT_KEYS_ENV}: cannot read ${file} (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
  const parsed = AuditKeys.safeParse(body);
  if (!parsed.success)
    throw new KeyPinsFileError(
      `${AUDIT_KEYS_ENV}: ${file} is not a keys file like the shop's GET /api/v1/audit/keys answer.`,
    );
  return parsed.data.keys;
}
