import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AuditEvent } from '../../shared/api/audit';
import { computeEventHash, GENESIS_HASH, verifyChain } from '../../shared/audit/chain';
import { signingKeyPair } from '../../shared/audit/checkpoint';
import { AUDIT_COLUMN_LIST, AUDIT_COLUMNS, eventToRow } from '../../shared/audit/codec';
import { openPglite, openPostgres, type Database, type Queryable } from '../db/database';
import { migrate, splitSql } from '../db/migrate';
import { systemClock } from '../lib/clock';
import { sha256Hex } from '../lib/ids';
import { seedDemo } from '../seed/demo';
import { LONG_LIVED, readAuditPages, signInAs, type Agent } from '../test/fixtures';
import { describeBackends, newPostgresDatabase, startTestShop, type Backend, type TestShop } from '../test/harness';
import { analyzedPlanNodes, recordingQueryable } from '../test/statements';
import { appendAudit, auditEventFromRow, type AuditRow } from './append';
import { registerSigningKey } from './checkpoint-store';
import { startCheckpointer } from './checkpointer';
import { readScopedPage } from './read-scope';

const MIGRATIONS_DIR = fileURLToPath(new URL('../db/migrations/', import.meta.url));

/** The log's partitions, oldest first, with their seq bounds (`to` exclusive). */
async function partitions(db: Queryable): Promise<{ name: string; from: number; to: number }[]> {
  const { rows } = await db.query<{ name: string; bound: string }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'audit_events'::regclass`,
  );
  return rows
    .map(({ name, bound }) => {
      const [, from, to] = /FROM \('(\d+)'\) TO \('(\d+)'\)/.exec(bound) ?? [];
      return { name, from: Number(from), to: Number(to) };
    })
    .sort((a, b) => a.from - b.from);
}

/**
 * TRUNCATE of the log or a partition: refused for the checkpoints' reference to it, and with
 * CASCADE (which would empty audit_checkpoints too) by the append-only triggers.
 */
async function expectTruncateRefused(db: Queryable, table: string): Promise<void> {
  await expect(db.query(`TRUNCATE ${table}`), table).rejects.toThrow(/referenced in a foreign key constraint/);
  await expect(db.query(`TRUNCATE ${table} CASCADE`), table).rejects.toThrow(/append-only/);
}

const appendSystemEvent = (db: Database, i: number) =>
  db.transaction((tx) =>
    appendAudit(tx, systemClock, {
      action: 'settings.changed',
      actor: { type: 'system', id: null, name: null },
      details: { i },
    }),
  );

describeBackends('audit partitions', (backend) => {
  let shop: TestShop;
  let admin: Agent;

  beforeAll(async () => {
    shop = await startTestShop(backend, {
      // The stored setting, lowered before the first event, so a few events cross several partitions.
      seed: async (db) => {
        await db.query('UPDATE audit_partitioning SET range_size = 4');
        await seedDemo(db, systemClock);
      },
      config: LONG_LIVED,
    });
    admin = await signInAs(shop, 'admin@demo.test');
    for (let i = 0; i < 12; i++) await appendSystemEvent(shop.ctx.db, i);
  });
  afterAll(async () => {
    await shop.close();
  });

  const head = async () =>
    (await shop.ctx.db.query<{ seq: number }>('SELECT max(seq)::int AS seq FROM audit_events')).rows[0]?.seq ?? 0;

  it('holds range_size seqs per partition and always has an empty one ahead of the head', async () => {
    const parts = await partitions(shop.ctx.db);
    const last = await head();
    expect(last).toBeGreaterThan(12);
    expect(parts[0]).toEqual({ name: 'audit_events_p1', from: 1, to: 5 });
    parts.forEach((part, i) => {
      expect(part.to - part.from).toBe(4);
      if (i > 0) expect(part.from).toBe(parts[i - 1]?.to);
    });
    const newest = parts.at(-1);
    expect(newest && newest.from > last).toBe(true);
    const setting = await shop.ctx.db.query<{ newest_from: number; made_upto: number }>(
      'SELECT newest_from, made_upto FROM audit_partitioning',
    );
    expect(setting.rows[0]).toEqual({ newest_from: newest?.from, made_upto: newest?.to });
  });

  it('serves pages across partition boundaries that verify as one chain up to the head', async () => {
    const { events, head: pageHead } = await readAuditPages(shop, admin, 3);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(verifyChain(events)).toEqual({
      ok: true,
      checked: events.length,
      lastSeq: pageHead.seq,
      lastHash: pageHead.hash,
    });
    expect(pageHead.seq).toBe(await head());
  });

  it('reads a page from the partitions holding it only (pruning, then an ordered walk)', async () => {
    const { db, statements } = recordingQueryable(shop.ctx.db);
    const executed = async (after: number, limit: number) => {
      const rows = await readScopedPage(db, { all: true }, after, limit);
      const statement = statements.at(-1);
      if (!statement) throw new Error('no statement recorded');
      const nodes = await analyzedPlanNodes(shop.ctx.db, statement);
      const scanned = nodes.filter((n) => n['Relation Name']?.startsWith('audit_events_p'));
      return {
        seqs: rows.map((r) => r.seq),
        planned: scanned.map((n) => n['Relation Name']),
        ran: scanned.filter((n) => (n['Actual Loops'] ?? 0) > 0).map((n) => n['Relation Name']),
        byKey: scanned.every((n) => n['Index Name']?.endsWith('_pkey')),
      };
    };
    const inside = await executed(5, 3);
    expect(inside.seqs).toEqual([6, 7, 8]);
    // The partition below the cursor is not even planned; the ones above are never reached.
    expect(inside.planned).not.toContain('audit_events_p1');
    expect(inside.ran).toEqual(['audit_events_p5']);
    expect(inside.byKey).toBe(true);
    const across = await executed(7, 3);
    expect(across.seqs).toEqual([8, 9, 10]);
    expect(across.ran).toEqual(['audit_events_p5', 'audit_events_p9']);
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the log and on each partition', async () => {
    const parts = await partitions(shop.ctx.db);
    const last = await head();
    for (const table of ['audit_events', ...parts.map((p) => p.name)]) {
      // Row triggers: on the empty partition ahead, there is no row to refuse.
      if (table === 'audit_events' || (parts.find((p) => p.name === table)?.from ?? Infinity) <= last) {
        await expect(shop.ctx.db.query(`UPDATE ${table} SET action = 'x'`), table).rejects.toThrow(/append-only/);
        await expect(shop.ctx.db.query(`DELETE FROM ${table}`), table).rejects.toThrow(/append-only/);
      }
      await expectTruncateRefused(shop.ctx.db, table);
    }
    expect(await head()).toBeGreaterThan(12);
  });

  it('keeps a partition from being dropped, or detached once it holds a signed event', async () => {
    const key = signingKeyPair();
    await registerSigningKey(shop.ctx.db, key, systemClock.now().toISOString(), systemClock);
    const checkpointer = startCheckpointer(
      { db: shop.ctx.db, clock: systemClock, key },
      { every: 2, intervalMs: 0, batch: 100 },
      3_600_000,
    );
    expect((await checkpointer.runOnce(true)).length).toBeGreaterThan(0);
    await checkpointer.stop();
    for (const { name } of (await partitions(shop.ctx.db)).slice(0, -1)) {
      await expect(shop.ctx.db.query(`DROP TABLE ${name}`), name).rejects.toThrow(/depend/);
      await expect(shop.ctx.db.query(`ALTER TABLE audit_events DETACH PARTITION ${name}`), name).rejects.toThrow(
        /violates foreign key constraint/,
      );
    }
    const { events } = await readAuditPages(shop, admin, 500);
    expect(verifyChain(events)).toMatchObject({ ok: true, lastSeq: await head() });
  });
});

/** An empty database with no migrations: in-memory PGlite, or a new database on the server. */
async function emptyDatabase(backend: Backend): Promise<Database> {
  if (backend === 'pglite') return openPglite();
  const server = process.env.TEST_DATABASE_URL;
  if (!server) throw new Error('TEST_DATABASE_URL is not set');
  const database = await newPostgresDatabase(server, 'concierge_test');
  const db = await openPostgres(database.url, { max: 2 });
  return {
    ...db,
    close: async () => {
      await db.close();
      await database.drop();
    },
  };
}

/** Migrates as a shop from before partitioning did: the migrations up to `last`, as migrate() records them. */
async function migrateThrough(db: Database, last: string): Promise<void> {
  await db.query(
    'CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  for (const file of (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql') && f <= last).sort()) {
    for (const statement of splitSql(await readFile(MIGRATIONS_DIR + file, 'utf8'))) await db.query(statement);
    await db.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
  }
}

/** `count` chained events written straight into the unpartitioned table of migration 001. */
async function writeOldLog(db: Database, count: number): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const body: Omit<AuditEvent, 'hash'> = {
      seq,
      id: `evt_old${String(seq)}`,
      at: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
      action: seq % 3 === 0 ? 'session.end' : 'staff.sign_in',
      actor: { type: 'staff', id: 'stf_old', name: 'Old Agent' },
      customerId: null,
      sessionId: null,
      ip: '10.0.0.1',
      userAgent: null,
      details: { staffId: 'stf_old', n: seq },
      prevHash: events.at(-1)?.hash ?? GENESIS_HASH,
    };
    const event = { ...body, hash: computeEventHash(body, sha256Hex) };
    const row = eventToRow(event);
    await db.query(
      `INSERT INTO audit_events (${AUDIT_COLUMN_LIST}) VALUES (${AUDIT_COLUMNS.map((_, i) => `$${String(i + 1)}`).join(', ')})`,
      AUDIT_COLUMNS.map((column) => (column === 'details' ? JSON.stringify(row.details) : row[column])),
    );
    events.push(event);
  }
  return events;
}

describeBackends('migration 013 on an existing log', (backend) => {
  let db: Database;
  let old: AuditEvent[];

  beforeAll(async () => {
    db = await emptyDatabase(backend);
    await migrateThrough(db, '011_audit_checkpoints.sql');
    old = await writeOldLog(db, 25);
    await migrate(db);
  }, 60_000);
  afterAll(async () => {
    await db.close();
  });

  it('moves every event into the partitioned table, unchanged, and the chain goes on', async () => {
    const rows = await db.query<AuditRow>('SELECT * FROM audit_events ORDER BY seq');
    expect(rows.rows.map(auditEventFromRow)).toEqual(old);
    expect(await partitions(db)).toEqual([
      { name: 'audit_events_p1', from: 1, to: 1_000_001 },
      { name: 'audit_events_p1000001', from: 1_000_001, to: 2_000_001 },
    ]);
    const next = await appendSystemEvent(db, 26);
    expect(next).toMatchObject({ seq: 26, prevHash: old.at(-1)?.hash });
    const all = await db.query<AuditRow>('SELECT * FROM audit_events ORDER BY seq');
    expect(verifyChain(all.rows.map(auditEventFromRow))).toMatchObject({ ok: true, checked: 26 });
  });

  it('keeps the indexes, triggers and references of the table it replaces', async () => {
    const indexes = await db.query<{ name: string }>(
      "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'audit_events' ORDER BY indexname",
    );
    expect(indexes.rows.map((r) => r.name)).toEqual([
      'audit_events_action',
      'audit_events_actor',
      'audit_events_customer',
      'audit_events_pkey',
      'audit_events_session',
      'audit_events_session_end',
      'audit_events_staff_action',
    ]);
    for (const table of ['audit_events', 'audit_events_p1']) {
      await expect(db.query(`DELETE FROM ${table}`)).rejects.toThrow(/append-only/);
      await expectTruncateRefused(db, table);
    }
    const left = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_class WHERE relname = 'audit_events_unpartitioned'",
    );
    expect(left.rows[0]?.n).toBe(0);
    const references = await db.query<{ name: string }>(
      "SELECT conname AS name FROM pg_constraint WHERE confrelid = 'audit_events'::regclass AND contype = 'f' AND conparentid = 0",
    );
    expect(references.rows).toEqual([{ name: 'audit_checkpoints_event' }]);
  });
});
