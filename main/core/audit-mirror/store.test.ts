import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pageinspect } from '@electric-sql/pglite/contrib/pageinspect';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { expect, it } from 'vitest';
import { openAuditStore } from './store';
import { defaultTemplateMakerFile, mirrorTemplate, nodeTemplateMaker, TEMPLATE_FOLDER } from './template';

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

it('starts a new folder as a copy of the template, which stays empty for the next one', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'audit-mirror-template-'));
  try {
    const templateDir = join(dir, 'audit', TEMPLATE_FOLDER);
    expect(
      await mirrorTemplate(templateDir, nodeTemplateMaker(defaultTemplateMakerFile()), {
        warn: () => undefined,
      }).ready(),
    ).toBe(templateDir);
    const first = join(dir, 'audit', 'first');
    const store = await openAuditStore(first, { templateDir });
    expect(await store.state()).toMatchObject({ cursor: 0, stored: 0 });
    await store.close();
    expect((await stat(first)).mode & 0o777).toBe(0o700);
    // The first mirror moves on; the template must not move with it.
    const written = await PGlite.create({ dataDir: first, extensions: { pg_trgm, pageinspect } });
    await written.exec('UPDATE mirror_state SET cursor = 7');
    await written.close();
    const reopened = await openAuditStore(first, { templateDir });
    expect((await reopened.state()).cursor).toBe(7);
    await reopened.close();
    // No copy left half-made beside it, and the template did not take the first mirror's events.
    expect((await readdir(join(dir, 'audit'))).sort()).toEqual(['first', TEMPLATE_FOLDER].sort());
    const second = await openAuditStore(join(dir, 'audit', 'second'), { templateDir });
    expect(await second.state()).toMatchObject({ cursor: 0, stored: 0 });
    await second.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
