import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from './database';
import { migrate, splitSql } from './migrate';
import { describeBackends, freshDatabase } from '../test/harness';

it('splits a script on statement ends, keeping function bodies whole', () => {
  const parts = splitSql(
    '-- c\nCREATE TABLE a (x int);\nCREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  RETURN NULL;\nEND;\n$$ LANGUAGE plpgsql;\n',
  );
  expect(parts).toHaveLength(2);
  expect(parts[1]).toContain('RETURN NULL;');
});

describeBackends('migrations', (backend) => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase(backend);
  });
  afterAll(async () => {
    await db.close();
  });

  it('are applied once, and a second run applies nothing', async () => {
    expect(await migrate(db)).toEqual([]);
    const tables = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('audit_events', 'customers', 'assist_sessions')",
    );
    expect(tables.rows[0]?.n).toBe(3);
  });

  it('make the audit log append-only', async () => {
    // Written by hand, not by appendAudit: the partition for seq 1 is made as appendAudit would.
    await db.query('SELECT audit_events_make_room(1)');
    await db.query(
      `INSERT INTO audit_events (seq, id, at, action, actor_type, details, prev_hash, hash) VALUES (1, 'evt_1', now(), 'x', 'system', '{}', $1, $2)`,
      ['0'.repeat(64), '1'.repeat(64)],
    );
    await expect(db.query("UPDATE audit_events SET action = 'y'")).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    // Refused for the signed checkpoints' reference to the log (migration 013), and by the trigger.
    await expect(db.query('TRUNCATE audit_events')).rejects.toThrow(/referenced in a foreign key constraint/);
    await expect(db.query('TRUNCATE audit_events CASCADE')).rejects.toThrow(/append-only/);
  });
});
