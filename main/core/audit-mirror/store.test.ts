import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { expect, it } from 'vitest';
import { openAuditStore } from './store';

it('drops a mirror written by another schema version and starts it again empty', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'audit-mirror-old-'));
  try {
    // What an earlier version left behind: its own mirror_state, without today's columns.
    const old = await PGlite.create({ dataDir: dir });
    await old.exec(`
      CREATE TABLE mirror_state (id boolean PRIMARY KEY DEFAULT true, schema_version integer NOT NULL, cursor bigint NOT NULL DEFAULT 0);
      INSERT INTO mirror_state (schema_version, cursor) VALUES (1, 500);
      CREATE TABLE audit_events (seq bigint PRIMARY KEY, note text);
      INSERT INTO audit_events VALUES (1, 'stale');`);
    await old.close();

    const store = await openAuditStore(dir);
    try {
      expect(await store.state()).toMatchObject({ cursor: 0, stored: 0, checked: 0, bad: null });
      expect((await store.query({}, 0, 10)).events).toEqual([]);
    } finally {
      await store.close();
    }
    // Reopening the rebuilt mirror keeps it: only another version triggers the rebuild.
    const again = await openAuditStore(dir);
    expect((await again.state()).cursor).toBe(0);
    await again.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
