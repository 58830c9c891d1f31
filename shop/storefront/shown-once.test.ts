import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Database } from '../db/database';
import { describeBackends, freshDatabase } from '../test/harness';
import { seal, shownOnce, unseal } from './shown-once';

describe('a sealed value', () => {
  const viewer = { key: 'cws_a', secret: 'secret-of-a' };

  it('opens with its own key and secret only', () => {
    const sealed = seal(viewer, '123456');
    expect(sealed).not.toContain('123456');
    expect(unseal(viewer, sealed)).toBe('123456');
    expect(unseal({ ...viewer, secret: 'secret-of-b' }, sealed)).toBeNull();
    expect(unseal({ ...viewer, key: 'cws_b' }, sealed)).toBeNull();
    expect(unseal(viewer, `${sealed.slice(0, -2)}AA`)).toBeNull();
    expect(unseal(viewer, 'short')).toBeNull();
  });
});

describeBackends('a value shown once', (backend) => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase(backend);
  });
  afterAll(async () => {
    await db.close();
  });
  const now = new Date('2026-01-01T00:00:00Z');
  const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);
  const a = { key: 'cws_a', secret: 'secret-of-a' };
  const Code = z.object({ code: z.string() });

  it('is read once, by its own viewer only, and is stored sealed', async () => {
    const values = shownOnce('test', Code);
    await values.put(db, a, { code: '123456' }, later(600));
    const stored = await db.query<{ sealed: string }>('SELECT sealed FROM shown_once');
    expect(stored.rows.map((r) => r.sealed).join()).not.toContain('123456');
    expect(await values.take(db, { key: 'cws_b', secret: 'secret-of-a' }, now)).toBeNull();
    expect(await values.take(db, a, now)).toEqual({ code: '123456' });
    expect(await values.take(db, a, now)).toBeNull();
  });

  it('opens for nobody but the secret it was sealed with', async () => {
    const values = shownOnce('test', Code);
    await values.put(db, a, { code: '111111' }, later(600));
    expect(await values.take(db, { ...a, secret: 'stolen-row-no-cookie' }, now)).toBeNull();
  });

  it('is gone once it expires, and a newer value replaces an older one', async () => {
    const values = shownOnce('test', Code);
    await values.put(db, a, { code: 'old' }, later(600));
    await values.put(db, a, { code: 'new' }, later(600));
    expect(await values.take(db, a, now)).toEqual({ code: 'new' });
    await values.put(db, a, { code: 'soon' }, later(10));
    expect(await values.take(db, a, later(10))).toBeNull();
  });

  it('keeps kinds of value apart', async () => {
    await shownOnce('one', Code).put(db, a, { code: '1' }, later(600));
    expect(await shownOnce('two', Code).take(db, a, now)).toBeNull();
    expect(await shownOnce('one', Code).take(db, a, now)).toEqual({ code: '1' });
  });
});
