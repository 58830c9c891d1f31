import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AuditEvent } from '../../../shared/api/audit';
import { computeEventHash } from '../../../shared/audit/chain';
import { signCheckpoint, signingKeyPair, toBase64Url } from '../../../shared/audit/checkpoint';
import type { AuditSyncStatus } from '../../../shared/ipc/contract';
import { auditEventFromRow, CHECKPOINT_LOCK, type AuditRow } from '../../../shop/audit/append';
import type { Queryable } from '../../../shop/db/database';
import { startShop, type RunningShop } from '../../../shop/main';
import { seedStaff } from '../../../shop/seed/staff';
import { signIn } from '../../../shop/test/auth-helpers';
import { testMirrorTemplate } from '../../test/mirror-template';
import { describeBackends } from '../../../shop/test/harness';
import { placeFor, until, writeEvents, type Place } from '../../../shop/test/started-shop';
import { runVerifyInProcess } from '../audit-verify/test-exports';
import { createAuditMirror, type AuditMirror } from './index';
import { keyPinsIn } from './key-pins';

/**
 * Signed checkpoints end to end: a real shop (startShop, its checkpointer and its key file) on
 * both backends, a real mirror with its pins file, tampering done with SQL as a database
 * superuser would, and the offline verifier run on the console's own export.
 */

/** Every event as the shop stores it, in seq order. */
async function shopEvents(shop: RunningShop): Promise<AuditEvent[]> {
  const rows = await shop.ctx.db.query<AuditRow>('SELECT * FROM audit_events ORDER BY seq');
  return rows.rows.map(auditEventFromRow);
}

/**
 * SQL as a superuser runs it: triggers (the append-only guards) do not fire. In one transaction
 * holding the checkpoint lock, as someone covering their tracks would, so the shop's checkpointer
 * cannot sign in the middle of it.
 */
async function asSuperuser(shop: RunningShop, work: (tx: Queryable) => Promise<void>): Promise<void> {
  await shop.ctx.db.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query('SELECT pg_advisory_xact_lock($1)', [CHECKPOINT_LOCK]);
    await work(tx);
  });
}

/** Edits event `seq` and recomputes every later hash, so the chain verifies again. */
async function rewriteFrom(shop: RunningShop, seq: number): Promise<void> {
  const events = await shopEvents(shop);
  let prevHash = events.find((e) => e.seq === seq - 1)?.hash;
  await asSuperuser(shop, async (tx) => {
    for (const event of events.filter((e) => e.seq >= seq)) {
      const body: Omit<AuditEvent, 'hash'> = {
        ...event,
        prevHash: prevHash ?? event.prevHash,
        details: event.seq === seq ? { ...event.details, note: 'nothing happened' } : event.details,
      };
      const hash = computeEventHash(body);
      await tx.query('UPDATE audit_events SET details = $2, prev_hash = $3, hash = $4 WHERE seq = $1', [
        event.seq,
        JSON.stringify(body.details),
        body.prevHash,
        hash,
      ]);
      prevHash = hash;
    }
  });
}

const headOf = async (shop: RunningShop) =>
  (await shop.ctx.db.query<{ seq: number }>('SELECT max(seq) AS seq FROM audit_events')).rows[0]?.seq ?? 0;
const signedThrough = async (shop: RunningShop) =>
  (await shop.ctx.db.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM audit_checkpoints')).rows[0]?.seq ?? 0;

/** A shop that signs every 10 events and its head at once, in `place`; the admin's token. */
async function signingShop(place: Place): Promise<{ shop: RunningShop; token: string }> {
  const shop = await startShop({
    host: '127.0.0.1',
    port: 0,
    ...place.location,
    // Staff only, not the whole demo (seeding it took most of each start).
    seed: 'none',
    checkpointEvery: 10,
    checkpointIntervalMs: 0,
    checkpointPollMs: 20,
  });
  await seedStaff(shop.ctx.db);
  return { shop, token: (await signIn(shop.url, 'admin@demo.test', { clock: shop.ctx.clock })).accessToken };
}

/** Writes events and waits until the shop signed through its head. */
async function writeSigned(shop: RunningShop, count: number): Promise<number> {
  const head = await writeEvents(shop, count);
  await until('checkpoints through the head', async () => (await signedThrough(shop)) >= head);
  return head;
}

/** A console's mirror of the whole log, with its own folder and pins file under `dir`. */
async function consoleMirror(dir: string, shop: RunningShop, token: string): Promise<AuditMirror> {
  return createAuditMirror({
    dataDir: join(dir, 'mirror'),
    templateDir: await testMirrorTemplate(),
    source: {
      shopUrl: shop.url,
      tokens: { accessToken: () => token, refreshAccessToken: () => Promise.resolve(false) },
    },
    keyPins: keyPinsIn(join(dir, 'signing-keys.json')),
  });
}

describeBackends('signed checkpoints in the console', (backend) => {
  let place: Place;
  let shop: RunningShop;
  let token = '';
  const mirrors: AuditMirror[] = [];

  const mirrorIn = async (name: string) => {
    const mirror = await consoleMirror(join(place.dir, name), shop, token);
    mirrors.push(mirror);
    return mirror;
  };

  beforeAll(async () => {
    place = await placeFor(backend);
    ({ shop, token } = await signingShop(place));
    await writeSigned(shop, 45);
  });

  afterAll(async () => {
    for (const mirror of mirrors) await mirror.close();
    await shop.close();
    await place.drop();
  });

  let first: AuditMirror;

  it('pins the shop key on the first sync, verifies every checkpoint against its own copy, and exports evidence that verifies offline', async () => {
    first = await mirrorIn('first');
    const status = await first.sync();
    const signed = (await shop.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_checkpoints')).rows[0]
      ?.n;
    expect(status.signing).toMatchObject({
      state: 'verified',
      checkpoints: signed,
      compared: signed,
      lastCheckpointSeq: await headOf(shop),
      rewritten: null,
    });
    expect(status.signing.keys).toEqual([expect.objectContaining({ pinned: true, source: 'first_sync' })]);
    expect((await stat(join(place.dir, 'first', 'signing-keys.json'))).mode & 0o777).toBe(0o600);

    const jsonl = join(place.dir, 'first.jsonl');
    await first.exportTo({}, 'jsonl', jsonl);
    const verified = await runVerifyInProcess([jsonl, '--json']);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, failure: null });

    const csvFile = join(place.dir, 'first.csv');
    await first.exportTo({}, 'csv', csvFile);
    const atTen = (
      await shop.ctx.db.query<{ at: string; key_id: string; signature: string }>(
        'SELECT at, key_id, signature FROM audit_checkpoints WHERE seq = 10',
      )
    ).rows[0];
    // The row at seq 10 ends with the checkpoint the shop signed there.
    const lines = (await readFile(csvFile, 'utf8')).split('\n');
    expect(lines[0]).toMatch(/,hash,checkpoint_at,checkpoint_key_id,checkpoint_signature$/);
    expect(lines.find((l) => l.startsWith('10,'))).toMatch(
      new RegExp(`,${atTen?.at ?? 'none'},${atTen?.key_id ?? 'none'},${atTen?.signature ?? 'none'}$`),
    );
  });

  it('warns about a checkpoint signed with a key it never pinned, and counts it once a supervisor trusts the key', async () => {
    const stranger = signingKeyPair();
    const free = await shop.ctx.db.query<{ seq: number; hash: string }>(
      'SELECT seq, hash FROM audit_events e WHERE NOT EXISTS (SELECT 1 FROM audit_checkpoints c WHERE c.seq = e.seq) ORDER BY seq DESC LIMIT 1',
    );
    const target = free.rows[0];
    if (!target) throw new Error('no unsigned event');
    const forged = signCheckpoint({ seq: target.seq, hash: target.hash, at: new Date().toISOString() }, stranger);
    await asSuperuser(shop, async (tx) => {
      await tx.query('INSERT INTO audit_signing_keys (key_id, public_key, created_at) VALUES ($1, $2, now())', [
        stranger.keyId,
        toBase64Url(stranger.publicKey),
      ]);
      await tx.query('INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature) VALUES ($1, $2, $3, $4, $5)', [
        forged.seq,
        forged.hash,
        forged.at,
        forged.keyId,
        forged.signature,
      ]);
    });
    const before = (await first.sync()).signing;
    expect(before.state).toBe('warning');
    expect(before.message).toContain(before.keys.find((k) => !k.pinned)?.fingerprint);
    const trusted = await first.trustKey(stranger.keyId);
    expect(trusted.signing).toMatchObject({ state: 'verified', checkpoints: before.checkpoints + 1 });
    expect(trusted.signing.keys.find((k) => k.keyId === stranger.keyId)).toMatchObject({
      pinned: true,
      source: 'trusted',
    });
  });

  it('says the history was rewritten when the newest events and checkpoints are deleted after it saw them', async () => {
    const seen = await first.sync();
    expect(seen.signing.state).toBe('verified');
    const head = await headOf(shop);
    const dropped = (
      await shop.ctx.db.query<{ seq: number }>('SELECT min(seq) AS seq FROM audit_checkpoints WHERE seq > $1', [
        head - 15,
      ])
    ).rows[0]?.seq;
    if (dropped === undefined) throw new Error('no checkpoint among the newest events');
    // Cut the events at a seq the shop never signed: its checkpointer signs the new head at
    // once, and a new signature at a seq the mirror saw signed would read as 'changed' there.
    const cut = (
      await shop.ctx.db.query<{ seq: number | null }>(
        'SELECT max(seq) AS seq FROM audit_events e WHERE seq > $1 AND seq < $2 AND NOT EXISTS (SELECT 1 FROM audit_checkpoints c WHERE c.seq = e.seq)',
        [dropped, head],
      )
    ).rows[0]?.seq;
    if (cut === undefined || cut === null) throw new Error('no unsigned event after the first dropped checkpoint');
    await asSuperuser(shop, async (tx) => {
      await tx.query('DELETE FROM audit_checkpoints WHERE seq > $1', [head - 15]);
      await tx.query('DELETE FROM audit_events WHERE seq > $1', [cut]);
    });
    const status: AuditSyncStatus = await first.sync();
    // The first checkpoint it saw that the shop no longer lists is where the rewrite shows first.
    expect(status.signing).toMatchObject({
      state: 'rewritten',
      rewritten: { seq: dropped, problem: 'checkpoint_missing' },
    });
  });

  it('says the log was cut short when only the newest events are deleted', async () => {
    const second = await mirrorIn('second');
    expect((await second.sync()).signing.state).not.toBe('rewritten');
    const head = await writeSigned(shop, 5);
    expect((await second.sync()).lastSeq).toBe(head);
    await asSuperuser(shop, async (tx) => {
      await tx.query('DELETE FROM audit_events WHERE seq > $1', [head - 2]);
    });
    expect((await second.sync()).signing).toMatchObject({
      state: 'rewritten',
      rewritten: { seq: head, problem: 'log_truncated' },
    });
  });
});

describeBackends('signed checkpoints against a rewritten history', (backend) => {
  let place: Place;
  let shop: RunningShop;
  let token = '';
  let fresh: AuditMirror | null = null;
  let third: AuditMirror | null = null;

  beforeAll(async () => {
    place = await placeFor(backend);
    ({ shop, token } = await signingShop(place));
  });

  afterAll(async () => {
    await fresh?.close();
    await third?.close();
    await shop.close();
    await place.drop();
  });

  it('says the history was rewritten when a checkpoint it saw is replaced by another one for the same seq', async () => {
    await writeSigned(shop, 45);
    third = await consoleMirror(join(place.dir, 'third'), shop, token);
    expect((await third.sync()).signing.state).toBe('verified');
    // Whoever rewrites the database cannot sign with the shop's key: the replacement is signed with another.
    const forger = signingKeyPair();
    const ten = (await shop.ctx.db.query<{ hash: string }>('SELECT hash FROM audit_events WHERE seq = 10')).rows[0];
    const replacement = signCheckpoint({ seq: 10, hash: ten?.hash ?? '', at: new Date().toISOString() }, forger);
    await asSuperuser(shop, async (tx) => {
      await tx.query('INSERT INTO audit_signing_keys (key_id, public_key, created_at) VALUES ($1, $2, now())', [
        forger.keyId,
        toBase64Url(forger.publicKey),
      ]);
      await tx.query('UPDATE audit_checkpoints SET key_id = $2, signature = $3, at = $4 WHERE seq = $1', [
        10,
        replacement.keyId,
        replacement.signature,
        replacement.at,
      ]);
    });
    expect((await third.sync()).signing).toMatchObject({
      state: 'rewritten',
      rewritten: { seq: 10, problem: 'checkpoint_changed' },
    });
  });

  it('a console that never synced this log finds an edited event whose whole tail was re-hashed, and so does the offline verifier', async () => {
    const head = await writeSigned(shop, 45);
    const target = head - 24;
    await rewriteFrom(shop, target);
    fresh = await consoleMirror(join(place.dir, 'fresh'), shop, token);
    const status = await fresh.sync();
    // The chain itself verifies: only the signatures, made before the edit, tell.
    expect(status.verification).toMatchObject({ ok: true });
    const firstCheckpointAfter = (
      await shop.ctx.db.query<{ seq: number }>('SELECT min(seq) AS seq FROM audit_checkpoints WHERE seq >= $1', [
        target,
      ])
    ).rows[0]?.seq;
    expect(status.signing).toMatchObject({
      state: 'rewritten',
      rewritten: { seq: firstCheckpointAfter, problem: 'checkpoint_mismatch' },
    });
    const jsonl = join(place.dir, 'fresh.jsonl');
    await fresh.exportTo({}, 'jsonl', jsonl);
    const verified = await runVerifyInProcess([jsonl, '--json']);
    expect(verified.code, verified.stdout + verified.stderr).toBe(1);
    expect(JSON.parse(verified.stdout)).toMatchObject({
      ok: false,
      failure: { kind: 'history_rewritten', seq: firstCheckpointAfter },
    });
  });
});
