import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { computeEventHash } from '../../../shared/audit/chain';
import { AUDIT_COLUMN_LIST, eventFromRow, type StoredAuditRow } from '../../../shared/audit/codec';
import type { AuditSyncStatus } from '../../../shared/ipc/contract';
import { appendAudit } from '../../../shop/audit/append';
import { seedStaff } from '../../../shop/seed/staff';
import { signIn } from '../../../shop/test/auth-helpers';
import { testMirrorTemplate } from '../../test/mirror-template';
import { describeAgainstOneShop, startTestShop, type TestShop } from '../../../shop/test/harness';
import { createAuditMirror, type AuditMirror } from './index';

/** More than two re-verification chunks (REVERIFY_CHUNK), so a pass continues the chain across steps. */
const EVENTS = 2600;
const POLL = { timeout: 60_000, interval: 50 };

/** Events of two staff members, so an agent's own mirror has gaps between its seqs. */
async function appendEvents(shop: TestShop): Promise<void> {
  await shop.ctx.db.transaction(async (tx) => {
    for (let i = 0; i < EVENTS; i += 1)
      await appendAudit(tx, shop.clock, {
        action: i % 2 === 0 ? 'session.page_view' : 'settings.changed',
        actor:
          i % 3 === 0
            ? { type: 'staff', id: 'stf_agent', name: 'Alex Agent' }
            : { type: 'staff', id: 'stf_admin', name: 'Ada Admin' },
        customerId: `cus_${i % 7}`,
        sessionId: null,
        ip: '10.0.0.1',
        userAgent: 'Concierge test',
        details: { path: `/store/us/orders/ord${100000 + i}`, n: i },
      });
  });
}

/** Edits a closed mirror's data directory with PGlite, as someone with the files would. */
async function editMirrorFiles(dataDir: string, edit: string | ((db: PGlite) => Promise<void>)): Promise<void> {
  const db = await PGlite.create({ dataDir, extensions: { pg_trgm } });
  try {
    if (typeof edit === 'string') await db.exec(edit);
    else await edit(db);
  } finally {
    await db.close();
  }
}

/** The status once the pass under way (or the next one to start) has ended. */
async function passEnded(mirror: AuditMirror): Promise<AuditSyncStatus> {
  await expect.poll(async () => (await mirror.status()).reverify.state, POLL).toBe('idle');
  return mirror.status();
}

describeAgainstOneShop('audit mirror re-verification', (backend) => {
  let shop: TestShop;
  let adminToken: string;
  /** Events in the shop's log (ours and the sign-ins'). */
  let logged: number;
  const dirs: string[] = [];

  const source = (token: string) => ({
    shopUrl: shop.url,
    tokens: { accessToken: () => token, refreshAccessToken: () => Promise.resolve(false) },
  });

  /** A closed mirror synced once from the shop (beforeAll); each test that edits it gets a copy. */
  let synced: string;
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'audit-reverify-'));
    dirs.push(dir);
    return dir;
  };
  async function syncedDataDir(): Promise<string> {
    const dataDir = await tempDir();
    await cp(synced, dataDir, { recursive: true });
    return dataDir;
  }

  beforeAll(async () => {
    shop = await startTestShop(backend, { seed: seedStaff });
    adminToken = (await signIn(shop.url, 'admin@demo.test', { clock: shop.clock })).accessToken;
    await appendEvents(shop);
    logged = (await shop.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events')).rows[0]?.n ?? 0;
    synced = join(await tempDir(), 'mirror');
    const mirror = createAuditMirror({
      dataDir: synced,
      templateDir: await testMirrorTemplate(),
      pageSize: 500,
      source: source(adminToken),
    });
    try {
      expect(await mirror.sync()).toMatchObject({ synced: logged, verification: { ok: true } });
    } finally {
      await mirror.close();
    }
  });

  afterAll(async () => {
    await shop.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('checks every stored event again and finds nothing wrong in an untouched mirror', async () => {
    const mirror = createAuditMirror({ dataDir: await syncedDataDir(), source: source(adminToken) });
    try {
      const seen: AuditSyncStatus['reverify'][] = [];
      mirror.onStatus((s) => seen.push(s.reverify));
      const started = await mirror.verifyAgain();
      expect(started.reverify).toMatchObject({ state: 'running', total: logged, problem: null });
      const ended = await passEnded(mirror);
      expect(ended.reverify).toMatchObject({ state: 'idle', checked: logged, total: logged, problem: null });
      expect(ended.reverify.lastCompletedAt).not.toBeNull();
      expect(ended.verification).toEqual({ ok: true, checked: logged });
      // The listeners heard the end of the pass too.
      expect(seen.at(-1)).toEqual(ended.reverify);
    } finally {
      await mirror.close();
    }
  });

  it('finds an event changed inside the mirror at its seq, and turns verification red', async () => {
    const dataDir = await syncedDataDir();
    await editMirrorFiles(
      dataDir,
      `UPDATE audit_events SET details = '{"path": "/elsewhere", "n": 1233}' WHERE seq = 1234`,
    );
    // Opening the mirror starts a pass in the background, unasked.
    const mirror = createAuditMirror({ dataDir, source: source(adminToken) });
    try {
      await expect.poll(async () => (await mirror.status()).reverify.problem, POLL).not.toBeNull();
      const ended = await mirror.status();
      expect(ended.reverify).toMatchObject({
        checked: 1233,
        total: logged,
        problem: { seq: 1234, problem: 'hash_mismatch' },
      });
      expect(ended.verification).toEqual({ ok: false, badSeq: 1234, problem: 'hash_mismatch' });
    } finally {
      await mirror.close();
    }
  });

  it('finds an event changed and re-hashed inside the mirror by the link of the event after it', async () => {
    const dataDir = await syncedDataDir();
    await editMirrorFiles(dataDir, async (db) => {
      const row = (await db.query<StoredAuditRow>(`SELECT ${AUDIT_COLUMN_LIST} FROM audit_events WHERE seq = 2100`))
        .rows[0];
      if (!row) throw new Error('event 2100 is missing');
      const changed = { ...eventFromRow(row), details: { path: '/elsewhere', n: 2099 } };
      const hash = computeEventHash(changed);
      await db.query('UPDATE audit_events SET details = $1::jsonb, hash = $2 WHERE seq = 2100', [
        JSON.stringify(changed.details),
        hash,
      ]);
    });
    const mirror = createAuditMirror({ dataDir, source: source(adminToken) });
    try {
      await mirror.verifyAgain();
      const ended = await passEnded(mirror);
      expect(ended.reverify).toMatchObject({ checked: 2100, problem: { seq: 2101, problem: 'broken_link' } });
      expect(ended.verification).toEqual({ ok: false, badSeq: 2101, problem: 'broken_link' });
    } finally {
      await mirror.close();
    }
  });

  it('finds a checkpoint that disagrees with the stored event at its seq', async () => {
    const dataDir = await syncedDataDir();
    await editMirrorFiles(
      dataDir,
      `INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature)
         VALUES (1500, repeat('f', 64), '2026-11-21T11:00:00.000Z', 'key', 'signature')
         ON CONFLICT (seq) DO UPDATE SET hash = EXCLUDED.hash`,
    );
    const mirror = createAuditMirror({ dataDir, source: source(adminToken) });
    try {
      await mirror.verifyAgain();
      const ended = await passEnded(mirror);
      expect(ended.reverify).toMatchObject({ checked: 1499, problem: { seq: 1500, problem: 'checkpoint_mismatch' } });
      expect(ended.verification).toEqual({ ok: false, badSeq: 1500, problem: 'checkpoint_mismatch' });
    } finally {
      await mirror.close();
    }
  });

  it("checks an agent's own mirror across the gaps between their events", async () => {
    const agentToken = (await signIn(shop.url, 'agent@demo.test', { clock: shop.clock })).accessToken;
    const mirror = createAuditMirror({
      dataDir: join(await tempDir(), 'mirror'),
      templateDir: await testMirrorTemplate(),
      pageSize: 300,
      scope: 'own',
      source: source(agentToken),
    });
    try {
      const synced = await mirror.sync();
      expect(synced.synced).toBeGreaterThan(EVENTS / 3 - 1);
      await mirror.verifyAgain();
      const ended = await passEnded(mirror);
      expect(ended.reverify).toMatchObject({ checked: synced.synced, total: synced.synced, problem: null });
      expect(ended.verification.ok).toBe(true);
    } finally {
      await mirror.close();
    }
  });
});
