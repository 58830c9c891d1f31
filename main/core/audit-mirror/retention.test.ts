import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditFilter } from '../../../shared/ipc/contract';
import { appendAudit } from '../../../shop/audit/append';
import { seedStaff } from '../../../shop/seed/staff';
import { signIn } from '../../../shop/test/auth-helpers';
import { startTestShop, type TestShop } from '../../../shop/test/harness';
import { testMirrorTemplate } from '../../test/mirror-template';
import { createAuditMirror, type AuditMirror, type AuditMirrorOptions } from './index';
import { AUDIT_WINDOW_ENV, AuditWindowConfigError, configuredWindowDays } from './window';

const DAY = 86_400_000;
/** Three runs of events: 200, 100 and 10 days before the test's "now". */
const RUN = 300;
/** Small text chunks, so that dropping a run drops whole chunk tables and cuts into one. */
const CHUNK = 64;

it('reads the window from CONCIERGE_AUDIT_WINDOW_DAYS: 90 days unless told, "all" keeps everything', () => {
  expect(configuredWindowDays({})).toBe(90);
  expect(configuredWindowDays({ [AUDIT_WINDOW_ENV]: '30' })).toBe(30);
  expect(configuredWindowDays({ [AUDIT_WINDOW_ENV]: 'all' })).toBeNull();
  expect(configuredWindowDays({ [AUDIT_WINDOW_ENV]: '0' })).toBeNull();
  for (const bad of ['ninety', '-5', '1.5'])
    expect(() => configuredWindowDays({ [AUDIT_WINDOW_ENV]: bad })).toThrow(AuditWindowConfigError);
});

// The console's side: the shop's backend changes nothing here (GET /audit/search is tested on both in
// shop/audit/search.test.ts), so it runs on the embedded one a newcomer's `npm start` uses.
describe('audit mirror window: dropping what falls out of it', () => {
  const backend = 'pglite';
  let shop: TestShop;
  let token: string;
  let dataDir: string;
  let templateDir: string;
  // The mirror's clock: moved on to let time pass without waiting.
  let offset = 0;
  const mirrors: AuditMirror[] = [];

  function open(windowDays: number | null): AuditMirror {
    const options: AuditMirrorOptions = {
      dataDir,
      templateDir,
      source: {
        shopUrl: shop.url,
        tokens: { accessToken: () => token, refreshAccessToken: () => Promise.resolve(false) },
      },
      searchChunk: CHUNK,
      windowDays,
      now: () => new Date(Date.now() + offset),
    };
    const mirror = createAuditMirror(options);
    mirrors.push(mirror);
    return mirror;
  }

  // A page of 10: a first page shorter than asked is its own total, so a full one makes the store count.
  const count = async (mirror: AuditMirror, filter: AuditFilter) => (await mirror.query(filter, 0, 10)).total;

  beforeAll(async () => {
    shop = await startTestShop(backend, { seed: seedStaff });
    dataDir = join(await mkdtemp(join(tmpdir(), 'audit-retention-')), 'mirror');
    templateDir = await testMirrorTemplate();
    for (const [run, daysAgo] of [200, 100, 10].entries()) {
      const clock = { now: () => new Date(Date.now() - daysAgo * DAY) };
      await shop.ctx.db.transaction(async (tx) => {
        for (let i = run * RUN; i < (run + 1) * RUN; i += 1)
          await appendAudit(tx, clock, {
            action: i % 3 === 0 ? 'session.action_refused' : 'session.page_view',
            actor: { type: 'staff', id: 'stf_agent', name: 'Alex Agent' },
            customerId: `cus_${String(i % 4)}`,
            details: { note: `visit number ${String(i)}` },
          });
      });
    }
    token = (await signIn(shop.url, 'admin@demo.test', { clock: shop.clock })).accessToken;
  });
  afterAll(async () => {
    for (const mirror of mirrors) await mirror.close();
    await shop.close();
    await rm(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('drops a run at a time as the window moves, whole text chunks and counts included, and stays verified', async () => {
    const full = open(null);
    const all = await full.sync();
    expect(all.synced).toBe(all.lastSeq);
    expect(await count(full, { text: 'visit number 17' })).toBeGreaterThan(0);
    await full.close();

    // 150 days: the run of 200 days ago goes (seqs 1–300: chunks 0–3 whole, and into chunk 4).
    const windowed = open(150);
    await windowed.sync();
    await windowed.maintained();
    const afterFirst = await windowed.status();
    expect(afterFirst.window).toMatchObject({ days: 150, heldAfter: RUN });
    expect(afterFirst.synced).toBe(afterFirst.lastSeq - RUN);
    expect(afterFirst.verification).toMatchObject({ ok: true });
    // Text in a dropped chunk and in the chunk the cut fell in is gone; text after the cut is found.
    expect(await count(windowed, { text: 'visit number 17' })).toBe(0);
    expect(await count(windowed, { text: 'visit number 299' })).toBe(0);
    expect(await count(windowed, { text: 'visit number 300' })).toBe(1);
    await windowed.searchReady();
    expect(await count(windowed, { text: 'visit number 301' })).toBe(1);
    // The counts per action lost exactly the dropped events.
    expect(await count(windowed, { action: 'session.action_refused' })).toBe((2 * RUN) / 3);
    expect(await count(windowed, { action: 'session.page_view' })).toBe((2 * 2 * RUN) / 3);

    // 101 days on, the next run falls out at the next sync, though nothing new arrived.
    offset = 101 * DAY;
    await windowed.sync();
    await windowed.maintained();
    const afterSecond = await windowed.status();
    expect(afterSecond.window?.heldAfter).toBe(2 * RUN);
    expect(await count(windowed, {})).toBe(afterSecond.lastSeq - 2 * RUN);
    expect(await count(windowed, { action: 'session.action_refused' })).toBe(RUN / 3);
    const older = await windowed.older({ action: 'session.action_refused' }, null, 200);
    expect(older.events).toHaveLength(200);
    expect(older.events.every((e) => e.seq <= 2 * RUN && e.action === 'session.action_refused')).toBe(true);
    expect(older.nextBefore).toBe(older.events.at(-1)?.seq);

    // Checking every held event again, links included, after both drops.
    await windowed.verifyAgain();
    await expect
      .poll(async () => (await windowed.status()).reverify.lastCompletedAt, { timeout: 30_000 })
      .not.toBeNull();
    const checked = await windowed.status();
    expect(checked.verification).toMatchObject({ ok: true });
    expect(checked.reverify.problem).toBeNull();
  });
});
