import { randomBytes } from 'node:crypto';
import { chmod, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  AuditCheckpointPage,
  AuditKeys,
  AuditPage,
  type AuditCheckpoint,
  type AuditEvent,
  type AuditSigningKey,
} from '../../shared/api/audit';
import { checkCheckpoint, signingKeyPair, toBase64Url } from '../../shared/audit/checkpoint';
import { parseCli, rotateAuditKey } from '../cli';
import type { Database } from '../db/database';
import { offsetClock } from '../lib/clock';
import { startShop, type RunningShop, type StartOptions } from '../main';
import { apiRequest, errorCode, signIn } from '../test/auth-helpers';
import { describeBackends, freshDatabase } from '../test/harness';
import { placeFor, until, writeEvents, type Place } from '../test/started-shop';
import { systemClock } from '../lib/clock';
import { seedStaff } from '../seed/staff';
import { appendAudit } from './append';
import { registerSigningKey } from './checkpoint-store';
import { startCheckpointer } from './checkpointer';

async function get<T>(shop: RunningShop, token: string, path: string, schema: { parse(v: unknown): T }): Promise<T> {
  const result = await apiRequest(shop.url, 'GET', path, { token });
  expect(result.status, `${path}: ${JSON.stringify(result.json)}`).toBe(200);
  return schema.parse(result.json);
}

async function allCheckpoints(shop: RunningShop, token: string): Promise<AuditCheckpoint[]> {
  const items: AuditCheckpoint[] = [];
  for (let after = 0; ;) {
    const page = await get(shop, token, `/audit/checkpoints?after=${after}&limit=3`, AuditCheckpointPage);
    if (page.items.length === 0) return items;
    items.push(...page.items);
    after = page.nextAfter;
  }
}

async function allEvents(shop: RunningShop, token: string): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  for (let after = 0; ;) {
    const page = await get(shop, token, `/audit/events?after=${after}&limit=1000`, AuditPage);
    if (page.events.length === 0) return events;
    events.push(...page.events);
    after = page.nextAfter;
  }
}

/** Every checkpoint checked as a reader would: signed by a listed key, and the hash of that event. */
async function expectAllVerify(shop: RunningShop, token: string): Promise<AuditCheckpoint[]> {
  const { keys } = await get(shop, token, '/audit/keys', AuditKeys);
  const byId = new Map(keys.map((k) => [k.keyId, k]));
  const hashes = new Map((await allEvents(shop, token)).map((e) => [e.seq, e.hash]));
  const checkpoints = await allCheckpoints(shop, token);
  for (const checkpoint of checkpoints)
    expect(
      checkCheckpoint(checkpoint, byId, (seq) => hashes.get(seq)),
      `checkpoint ${checkpoint.seq}`,
    ).toEqual({
      ok: true,
      compared: true,
    });
  return checkpoints;
}

/** `count` events through the one writer of the log (audit/append.ts); returns the new head seq. */
const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describeBackends('signed audit checkpoints', (backend) => {
  let place: Place;
  let shop: RunningShop | null = null;
  const start = async (options: StartOptions = {}, location = place.location) => {
    // Staff only, not the whole demo (seeding it took most of each start).
    shop = await startShop({ host: '127.0.0.1', port: 0, ...location, seed: 'none', checkpointPollMs: 20, ...options });
    await seedStaff(shop.ctx.db);
    return shop;
  };
  const stop = async () => {
    await shop?.close();
    shop = null;
  };
  beforeEach(async () => {
    place = await placeFor(backend);
  });
  afterEach(async () => {
    await stop();
    await place.drop();
  });

  it('signs every N events and the head on the interval; each verifies, every events page carries the newest, and the table is append-only', async () => {
    const clock = offsetClock();
    // No restart here: PGlite in memory (and its key in memory too), a new database on PostgreSQL.
    const inMemory = backend === 'pglite' ? {} : place.location;
    const running = await start({ clock, checkpointEvery: 5, checkpointIntervalMs: 3_600_000 }, inMemory);
    const admin = (await signIn(running.url, 'admin@demo.test', { clock })).accessToken;
    // The first checkpoint (the head, none before it), so the interval runs from here.
    const first = await until('a first checkpoint', async () => (await allCheckpoints(running, admin)).at(-1));
    // At least two multiples of 5, ending 2 past one, so the head is not signed as a multiple.
    const head = await writeEvents(running, 10 + ((((2 - first.seq) % 5) + 5) % 5));
    expect(head % 5).toBe(2);
    const multiples = Array.from({ length: Math.floor(head / 5) }, (_, i) => (i + 1) * 5);
    await until('a checkpoint at every multiple of 5', async () => {
      const signed = new Set((await allCheckpoints(running, admin)).map((c) => c.seq));
      return multiples.every((seq) => signed.has(seq));
    });
    const checkpoints = await expectAllVerify(running, admin);
    const { keys } = await get(running, admin, '/audit/keys', AuditKeys);
    expect(keys).toEqual([expect.objectContaining({ algorithm: 'Ed25519', retiredAt: null })]);
    expect(new Set(checkpoints.map((c) => c.keyId))).toEqual(new Set([keys[0]?.keyId]));

    // An hour on, the head (not a multiple) is signed too, and it is what every events page carries.
    expect((await allCheckpoints(running, admin)).some((c) => c.seq > head - 2)).toBe(false);
    clock.advance(3_600_000);
    // The admin's access token has expired meanwhile.
    const later = (await signIn(running.url, 'admin@demo.test', { clock })).accessToken;
    await until('the head signed after the interval', async () =>
      (await allCheckpoints(running, later)).find((c) => c.seq >= head && c.seq % 5 !== 0),
    );
    await expectAllVerify(running, later);
    const newest = (await allCheckpoints(running, later)).at(-1);
    // A reader of their own events (the agent) gets it too.
    for (const token of [later, (await signIn(running.url, 'agent@demo.test', { clock })).accessToken]) {
      const page = await get(running, token, '/audit/events?limit=2', AuditPage);
      expect(page.checkpoint?.seq).toBeGreaterThanOrEqual(newest?.seq ?? Infinity);
    }

    // Not through the API, and not through SQL either.
    const db = running.ctx.db;
    await expect(db.query("UPDATE audit_checkpoints SET hash = repeat('0', 64)")).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_checkpoints')).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE audit_checkpoints')).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_signing_keys')).rejects.toThrow(/keeps every key/);
    await expect(db.query("UPDATE audit_signing_keys SET public_key = 'x'")).rejects.toThrow(/keeps every key/);

    // Read permission as for the log: a signed-out caller is 401, bad paging 400.
    for (const path of ['/audit/keys', '/audit/checkpoints'])
      expect(errorCode(await apiRequest(running.url, 'GET', path)), path).toBe('unauthorized');
    expect(errorCode(await apiRequest(running.url, 'GET', '/audit/checkpoints?limit=0', { token: later }))).toBe(
      'validation_failed',
    );
  });

  it('signs the head once at a graceful shutdown, and nothing when nothing was written', async () => {
    const running = await start({ checkpointEvery: 1000, checkpointIntervalMs: 3_600_000 });
    const admin = (await signIn(running.url, 'admin@demo.test')).accessToken;
    await until('a first checkpoint', async () => (await allCheckpoints(running, admin)).length > 0);
    const head = await writeEvents(running, 3);
    await stop();
    const stored = async () => {
      const db = await place.open();
      try {
        return (
          await db.query<{ seq: number; n: number }>(
            'SELECT max(seq) AS seq, count(*)::int AS n FROM audit_checkpoints',
          )
        ).rows[0];
      } finally {
        await db.close();
      }
    };
    const before = await stored();
    expect(before?.seq).toBe(head);
    // A start and a stop with no event between: no checkpoint, not even with no interval at all.
    await start({ checkpointEvery: 1000, checkpointIntervalMs: 0 });
    await stop();
    expect(await stored()).toEqual(before);
  });

  it('creates the key file 0600 on first start and signs with it again after a restart; refuses a file others may read', async () => {
    const keyFile = join(place.location.dataDir ?? '', 'audit-signing-key.json');
    const first = await start();
    expect(await modeOf(keyFile)).toBe(0o600);
    const stored = JSON.parse(await readFile(keyFile, 'utf8')) as {
      keyId: string;
      secretKey: string;
      createdAt: string;
    };
    expect(Object.keys(stored).sort()).toEqual(['createdAt', 'keyId', 'secretKey']);
    const admin = (await signIn(first.url, 'admin@demo.test')).accessToken;
    expect((await get(first, admin, '/audit/keys', AuditKeys)).keys.map((k) => k.keyId)).toEqual([stored.keyId]);
    await stop();

    const again = await start();
    const token = (await signIn(again.url, 'supervisor@demo.test')).accessToken;
    const { keys } = await get(again, token, '/audit/keys', AuditKeys);
    expect(keys).toEqual([expect.objectContaining({ keyId: stored.keyId, retiredAt: null })]);
    expect(JSON.parse(await readFile(keyFile, 'utf8'))).toEqual(stored);
    await stop();

    await chmod(keyFile, 0o644);
    await expect(start()).rejects.toThrow(/may be read by others \(mode 644\): run chmod 600/);
  });

  it('takes the key from CONCIERGE_AUDIT_SIGNING_KEY without writing a file, and from --audit-key-file', async () => {
    const seed = toBase64Url(new Uint8Array(randomBytes(32)));
    const fromEnv = parseCli(['--port', '0', '--data-dir', place.location.dataDir ?? ''], {
      CONCIERGE_AUDIT_SIGNING_KEY: seed,
      ...(place.location.databaseUrl ? { DATABASE_URL: place.location.databaseUrl } : {}),
    });
    const running = await start(fromEnv);
    const admin = (await signIn(running.url, 'admin@demo.test')).accessToken;
    const expected = signingKeyPair(Buffer.from(seed, 'base64url')).keyId;
    expect((await get(running, admin, '/audit/keys', AuditKeys)).keys.map((k) => k.keyId)).toEqual([expected]);
    await writeEvents(running, 1);
    const signed = await until('a checkpoint', async () => (await allCheckpoints(running, admin)).at(-1));
    expect(signed.keyId).toBe(expected);
    await stop();
    const files = await readdir(place.dir, { recursive: true });
    expect(files.filter((f) => f.includes('audit-signing-key'))).toEqual([]);

    // A key file of its own, in a folder that does not exist yet: created 0700, the file 0600.
    const keyFile = join(place.dir, 'keys', 'shop', 'signing.json');
    const fromFile = parseCli(
      ['--port', '0', '--data-dir', place.location.dataDir ?? '', '--audit-key-file', keyFile],
      {
        ...(place.location.databaseUrl ? { DATABASE_URL: place.location.databaseUrl } : {}),
      },
    );
    const second = await start(fromFile);
    expect(await modeOf(keyFile)).toBe(0o600);
    expect(await modeOf(join(place.dir, 'keys', 'shop'))).toBe(0o700);
    const { keyId } = JSON.parse(await readFile(keyFile, 'utf8')) as { keyId: string };
    const token = (await signIn(second.url, 'supervisor@demo.test')).accessToken;
    const { keys } = await get(second, token, '/audit/keys', AuditKeys);
    // The environment's key, retired by the first start with the file's.
    expect(keys.map((k) => [k.keyId, k.retiredAt !== null])).toEqual([
      [expected, true],
      [keyId, false],
    ]);
    expect((await readdir(place.dir, { recursive: true })).filter((f) => f.includes('audit-signing-key'))).toEqual([]);
  });

  it('rotates: the old key kept beside the new one and listed as retired, new checkpoints with the new key, old ones still verifying', async () => {
    const options = parseCli(['--port', '0', '--data-dir', place.location.dataDir ?? ''], {
      ...(place.location.databaseUrl ? { DATABASE_URL: place.location.databaseUrl } : {}),
    });
    const first = await start({ ...options, checkpointEvery: 3 });
    const admin = (await signIn(first.url, 'admin@demo.test')).accessToken;
    const oldHead = await writeEvents(first, 4);
    const oldCheckpoints = await until('checkpoints with the first key', async () => {
      const all = await allCheckpoints(first, admin);
      return all.some((c) => c.seq >= oldHead - (oldHead % 3)) && all;
    });
    const oldKeyId = oldCheckpoints[0]?.keyId ?? '';
    await stop();

    const message = await rotateAuditKey(parseCli(['--rotate-audit-key', '--data-dir', options.dataDir ?? ''], {}));
    const keyFile = join(options.dataDir ?? '', 'audit-signing-key.json');
    const retiredFile = join(options.dataDir ?? '', `audit-signing-key.${oldKeyId}.retired.json`);
    expect(message).toContain(retiredFile);
    expect(await modeOf(retiredFile)).toBe(0o600);
    expect(await modeOf(keyFile)).toBe(0o600);
    const newKeyId = (JSON.parse(await readFile(keyFile, 'utf8')) as { keyId: string }).keyId;
    expect(newKeyId).not.toBe(oldKeyId);

    const second = await start({ ...options, checkpointEvery: 3 });
    const token = (await signIn(second.url, 'supervisor@demo.test')).accessToken;
    const { keys } = await get(second, token, '/audit/keys', AuditKeys);
    expect(keys.map((k: AuditSigningKey) => [k.keyId, k.retiredAt !== null])).toEqual([
      [oldKeyId, true],
      [newKeyId, false],
    ]);
    const newHead = await writeEvents(second, 4);
    await until('a checkpoint with the new key', async () =>
      (await allCheckpoints(second, token)).find((c) => c.seq >= newHead - (newHead % 3) && c.keyId === newKeyId),
    );
    const all = await expectAllVerify(second, token);
    expect(all.filter((c) => c.seq <= oldHead).every((c) => c.keyId === oldKeyId)).toBe(true);
    expect(all.filter((c) => c.seq > oldHead).every((c) => c.keyId === newKeyId)).toBe(true);
    await stop();

    // The retired key cannot come back: its file restored, the shop refuses to start with it.
    await rotateAuditKey(parseCli(['--rotate-audit-key', '--data-dir', options.dataDir ?? ''], {}));
    await expect(
      start({
        ...options,
        auditSigningKey: (JSON.parse(await readFile(retiredFile, 'utf8')) as { secretKey: string }).secretKey,
      }),
    ).rejects.toThrow(new RegExp(`key ${oldKeyId} was retired at .*: start the shop with its current key file`));
  });
});

describeBackends('the checkpointer on a log from before checkpoints', (backend) => {
  it('back-fills the multiples in bounded passes, the head in the first, then nothing while nothing is written', async () => {
    const db = await freshDatabase(backend);
    const key = signingKeyPair();
    try {
      await registerSigningKey(db, key, systemClock.now().toISOString(), systemClock);
      for (let i = 0; i < 11; i++)
        await db.transaction((tx) =>
          appendAudit(tx, systemClock, {
            action: 'settings.changed',
            actor: { type: 'system', id: null, name: 'old' },
          }),
        );
      // Each transaction the checkpointer opens, counted: a poll with nothing to sign opens none.
      let transactions = 0;
      const watched: Database = {
        ...db,
        transaction: (fn) => {
          transactions += 1;
          return db.transaction(fn);
        },
      };
      // The timer never fires here: each pass is run by hand.
      const checkpointer = startCheckpointer(
        { db: watched, clock: systemClock, key },
        { every: 2, intervalMs: 3_600_000, batch: 3 },
        3_600_000,
      );
      const seqs = async () => (await checkpointer.runOnce()).map((c) => c.seq);
      expect(await seqs()).toEqual([2, 4, 6, 11]);
      expect(await seqs()).toEqual([8, 10]);
      expect(transactions).toBe(2);
      expect(await seqs()).toEqual([]);
      expect(await seqs()).toEqual([]);
      expect(transactions).toBe(2);
      await checkpointer.stop();
      const stored = await db.query<{ seq: number }>('SELECT seq FROM audit_checkpoints ORDER BY seq');
      expect(stored.rows.map((r) => r.seq)).toEqual([2, 4, 6, 8, 10, 11]);
    } finally {
      await db.close();
    }
  });
});
