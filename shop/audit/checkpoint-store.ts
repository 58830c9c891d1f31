import type { AuditCheckpoint, AuditSigningKey } from '../../shared/api/audit';
import { toBase64Url, type SigningKeyPair } from '../../shared/audit/checkpoint';
import { CHECKPOINT_COLUMN_LIST, checkpointFromRow, type CheckpointRow } from '../../shared/audit/codec';
import type { Database, Queryable } from '../db/database';
import type { Clock } from '../lib/clock';
import { CHECKPOINT_LOCK } from './append';

/** The stored checkpoints and public keys (migration 011): reads for the API, the key's registration at start. */

export class RetiredKeyError extends Error {
  override name = 'RetiredKeyError';
}

/**
 * Lists the key (public part only) if it is new, and then retires every other key still in use:
 * the shop signs with one key from here on. Refuses a key that was already retired.
 */
export async function registerSigningKey(
  db: Database,
  key: SigningKeyPair,
  createdAt: string,
  clock: Clock,
): Promise<{ registered: boolean; retired: string[] }> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [CHECKPOINT_LOCK]);
    const known = await tx.query<{ retired_at: Date | null }>(
      'SELECT retired_at FROM audit_signing_keys WHERE key_id = $1',
      [key.keyId],
    );
    const row = known.rows[0];
    if (row?.retired_at)
      throw new RetiredKeyError(
        `The audit signing key ${key.keyId} was retired at ${row.retired_at.toISOString()}: start the shop with its current key file, or rotate to a new key (--rotate-audit-key).`,
      );
    if (row) return { registered: false, retired: [] };
    await tx.query('INSERT INTO audit_signing_keys (key_id, public_key, created_at) VALUES ($1, $2, $3)', [
      key.keyId,
      toBase64Url(key.publicKey),
      createdAt,
    ]);
    const retired = await tx.query<{ key_id: string }>(
      'UPDATE audit_signing_keys SET retired_at = $1 WHERE retired_at IS NULL AND key_id <> $2 RETURNING key_id',
      [clock.now().toISOString(), key.keyId],
    );
    return { registered: true, retired: retired.rows.map((r) => r.key_id) };
  });
}

interface KeyRow {
  key_id: string;
  public_key: string;
  created_at: Date;
  retired_at: Date | null;
}

/** Every key the shop has signed with, retired ones included, oldest first. */
export async function listSigningKeys(db: Queryable): Promise<AuditSigningKey[]> {
  const { rows } = await db.query<KeyRow>(
    'SELECT key_id, public_key, created_at, retired_at FROM audit_signing_keys ORDER BY created_at, key_id',
  );
  return rows.map((r) => ({
    keyId: r.key_id,
    algorithm: 'Ed25519' as const,
    publicKey: r.public_key,
    createdAt: r.created_at.toISOString(),
    retiredAt: r.retired_at?.toISOString() ?? null,
  }));
}

const COLUMNS = CHECKPOINT_COLUMN_LIST;

/** Checkpoints after `after`, in seq order. */
export async function checkpointsAfter(db: Queryable, after: number, limit: number): Promise<AuditCheckpoint[]> {
  const { rows } = await db.query<CheckpointRow>(
    `SELECT ${COLUMNS} FROM audit_checkpoints WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [after, limit],
  );
  return rows.map(checkpointFromRow);
}

/** The checkpoint of the highest seq, or null before the first. */
export async function newestCheckpoint(db: Queryable): Promise<AuditCheckpoint | null> {
  const { rows } = await db.query<CheckpointRow>(`SELECT ${COLUMNS} FROM audit_checkpoints ORDER BY seq DESC LIMIT 1`);
  const row = rows[0];
  return row ? checkpointFromRow(row) : null;
}

/** Stores signed checkpoints; one another process stored first stays as it is. */
export async function insertCheckpoints(tx: Queryable, checkpoints: readonly AuditCheckpoint[]): Promise<void> {
  if (checkpoints.length === 0) return;
  const values = checkpoints.flatMap((c) => [c.seq, c.hash, c.at, c.keyId, c.signature]);
  const rows = checkpoints.map((_, i) => `(${[1, 2, 3, 4, 5].map((k) => `$${String(i * 5 + k)}`).join(', ')})`);
  await tx.query(
    `INSERT INTO audit_checkpoints (${COLUMNS}) VALUES ${rows.join(', ')} ON CONFLICT (seq) DO NOTHING`,
    values,
  );
}
