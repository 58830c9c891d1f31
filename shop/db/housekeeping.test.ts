import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBackends, freshDatabase } from '../test/harness';
import type { Database } from './database';
import { dropExpiredSharedState } from './housekeeping';

describeBackends('housekeeping of shared state', (backend) => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase(backend);
  });
  afterAll(async () => {
    await db.close();
  });

  it('drops what can no longer change a decision, and keeps the rest', async () => {
    const now = new Date('2026-06-01T12:00:00Z');
    const ms = now.getTime();
    const before = new Date(ms - 1000);
    const after = new Date(ms + 1000);
    const day = 24 * 3600;
    await db.query('INSERT INTO auth_failures (key, at_ms) VALUES ($1, $2), ($3, $4)', [
      'old',
      ms - day * 1000,
      'recent',
      ms - 1000,
    ]);
    await db.query('INSERT INTO decoy_challenges (token_hash, account, expires_at) VALUES ($1, $3, $4), ($2, $3, $5)', [
      'gone',
      'live',
      'a@example.com',
      before,
      after,
    ]);
    await db.query(
      'INSERT INTO rate_limit_counters (key, hits, window_start_ms, window_ms) VALUES ($1, 3, $3, 60000), ($2, 3, $4, 60000)',
      ['over', 'open', ms - 60_000, ms - 59_000],
    );
    await db.query('INSERT INTO shown_once (key, sealed, expires_at) VALUES ($1, $3, $4), ($2, $3, $5)', [
      'gone',
      'live',
      'sealed',
      before,
      after,
    ]);

    expect(await dropExpiredSharedState(db, now, day)).toBe(4);
    const left = async (sql: string) => (await db.query<{ k: string }>(sql)).rows.map((r) => r.k);
    expect(await left('SELECT key AS k FROM auth_failures')).toEqual(['recent']);
    expect(await left('SELECT token_hash AS k FROM decoy_challenges')).toEqual(['live']);
    expect(await left('SELECT key AS k FROM rate_limit_counters')).toEqual(['open']);
    expect(await left('SELECT key AS k FROM shown_once')).toEqual(['live']);
  });
});
