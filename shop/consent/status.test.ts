import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { describeBackends, freshDatabase } from '../test/harness';
import { consentAt, consentFromText, consentTextSql, type ConsentRow, type ConsentTextRow } from './status';

const NOW = new Date('2026-11-21T12:00:00.123Z');
const HOUR = 3_600_000;
const at = (offset: number) => new Date(NOW.getTime() + offset);

/** Every branch of consentAt, with the edge of expiry exactly at `now`. */
const CASES: [string, ConsentRow | null][] = [
  ['no consent row', null],
  ['granted until turned off', { granted: true, granted_at: at(-HOUR), expires_at: null }],
  ['granted, expiring later', { granted: true, granted_at: at(-HOUR), expires_at: at(HOUR) }],
  ['granted, expiring one millisecond from now', { granted: true, granted_at: at(-HOUR), expires_at: at(1) }],
  ['granted, expiring exactly now', { granted: true, granted_at: at(-HOUR), expires_at: NOW }],
  ['granted, expired', { granted: true, granted_at: at(-2 * HOUR), expires_at: at(-HOUR) }],
  ['turned off', { granted: false, granted_at: at(-HOUR), expires_at: at(HOUR) }],
  ['turned off, never granted', { granted: false, granted_at: null, expires_at: null }],
  ['granted without a grant time', { granted: true, granted_at: null, expires_at: at(HOUR) }],
];

describeBackends('consent status in SQL', (backend) => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase(backend);
  });
  afterAll(async () => {
    await db.close();
  });

  it.each(CASES)('agrees with consentAt: %s', async (_, row) => {
    const columns = { granted: '$1::boolean', grantedAt: '$2::timestamptz', expiresAt: '$3::timestamptz' };
    const { rows } = await db.query<ConsentTextRow>(`SELECT ${consentTextSql(columns, '$4::timestamptz')}`, [
      row?.granted ?? null,
      row?.granted_at ?? null,
      row?.expires_at ?? null,
      NOW,
    ]);
    expect(consentFromText(rows[0]!)).toEqual(consentAt(row, NOW));
  });
});
