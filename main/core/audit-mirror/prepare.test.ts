import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pageinspect } from '@electric-sql/pglite/contrib/pageinspect';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../shared/api/audit';
import type { AuditFilter } from '../../../shared/ipc/contract';
import { computeEventHash, GENESIS_HASH } from '../../../shared/audit/chain';
import { filterSql, textProbes } from './filter-sql';
import { BadPageError, preparePage, type VerifyState } from './prepare';
import { COPY_COLUMNS } from './prepare';
import { FILTER_INDEXES, MIRROR_SCHEMA, SEARCH_CHUNK, searchText } from './schema';
import { openAuditStore, type AuditStore } from './store';
import { cacheWarming, partsToWarm, segmentRanges } from './cache-warming';
import { cacheSizeFor, openStoreContext } from './store-context';

const START: VerifyState = {
  chain: { lastSeq: 0, lastHash: GENESIS_HASH },
  checked: 0,
  bad: null,
  lastAtMs: 0,
  atInOrder: true,
};

/** Text that COPY's text format must escape, and text that only looks like an escape. */
const AWKWARD = [
  'tab\there',
  'line\nbreak',
  'cr\rhere',
  'back\\slash',
  '\\N',
  '\\.',
  'quote "and" \'apostrophe\'',
  'ünïcødé ✓ 😀',
  '',
];

/** Bytes this process has read through read()-like calls (Linux's /proc/self/io `rchar`). */
function bytesReadByThisProcess(): number {
  const line = readFileSync('/proc/self/io', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('rchar:'));
  return Number(line?.split(/\s+/)[1] ?? Number.NaN);
}

/** A chained run of events, seq from..from+count-1, continuing from `prevHash`. */
function events(
  from: number,
  count: number,
  prevHash: string,
  at = (seq: number) => new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString(),
  note = (seq: number) => AWKWARD[seq % AWKWARD.length] ?? '',
): AuditEvent[] {
  const out: AuditEvent[] = [];
  let prev = prevHash;
  for (let seq = from; seq < from + count; seq += 1) {
    const awkward = AWKWARD[seq % AWKWARD.length] ?? '';
    const body: Omit<AuditEvent, 'hash'> = {
      seq,
      id: `evt_${seq}`,
      at: at(seq),
      action: seq % 4 === 0 ? 'staff.step_up' : 'session.action',
      actor:
        seq % 3 === 0
          ? { type: 'system', id: null, name: null }
          : { type: 'staff', id: `stf_${seq % 2}`, name: `Staff ${awkward}` },
      customerId: seq % 5 === 0 ? null : `cus_${seq % 7}`,
      sessionId: seq % 2 === 0 ? `ses_${Math.floor(seq / 10)}` : null,
      ip: seq % 6 === 0 ? null : `10.0.${seq % 256}.1`,
      userAgent: awkward,
      details: { sku: `SKU-${seq}`, note: note(seq), nested: { list: [1, 'two', null, { x: awkward }] } },
      prevHash: prev,
    };
    const hash = computeEventHash(body);
    out.push({ ...body, hash });
    prev = hash;
  }
  return out;
}

const page = (list: AuditEvent[], head = list.at(-1)) => ({
  events: list,
  nextAfter: list.at(-1)?.seq ?? 0,
  head: { seq: head?.seq ?? 0, hash: head?.hash ?? GENESIS_HASH },
});

describe('preparePage', () => {
  it('verifies a page from the given state and carries the state on', () => {
    const first = events(1, 20, GENESIS_HASH);
    const second = events(21, 20, first.at(-1)?.hash ?? '');
    const a = preparePage(0, page(first), START);
    expect(a).toMatchObject({
      after: 0,
      nextAfter: 20,
      received: 20,
      to: { checked: 20, bad: null, chain: { lastSeq: 20 }, atInOrder: true },
    });
    const b = preparePage(20, page(second), a.to);
    expect(b.to).toMatchObject({ checked: 40, bad: null, chain: { lastSeq: 40, lastHash: second.at(-1)?.hash } });
    // The same page checked from a state it does not follow: the link breaks at its first event.
    expect(preparePage(20, page(second), { ...START, chain: { lastSeq: 20, lastHash: GENESIS_HASH } }).to.bad).toEqual({
      seq: 21,
      problem: 'broken_link',
    });
  });

  it('refuses what the API does not allow, before anything is stored', () => {
    const list = events(1, 5, GENESIS_HASH);
    expect(() => preparePage(0, { events: 'no' }, START)).toThrow(BadPageError);
    expect(() => preparePage(3, page(list), START)).toThrow(/out of order/);
    expect(() => preparePage(0, { ...page(list), nextAfter: 2 }, START)).toThrow(/behind its last event/);
    const nul = events(1, 1, GENESIS_HASH).map((e) => ({ ...e, userAgent: 'a\u0000b' }));
    expect(() => preparePage(0, page(nul), START)).toThrow(/cannot be stored/);
    const lone = events(1, 1, GENESIS_HASH).map((e) => ({ ...e, ip: 'x\uD800y' }));
    expect(() => preparePage(0, page(lone), START)).toThrow(/cannot be stored/);
  });

  it('takes a page as the JSON bytes of the response, as the API client hands it on', () => {
    const list = events(1, 20, GENESIS_HASH);
    const bytes = (text: string) => new TextEncoder().encode(text).buffer;
    const fromBytes = preparePage(0, bytes(JSON.stringify(page(list))), START);
    const fromValue = preparePage(0, page(list), START);
    expect(fromBytes.to).toEqual(fromValue.to);
    expect(fromBytes.rows).toEqual(fromValue.rows);
    expect(fromBytes.searchRows).toEqual(fromValue.searchRows);
    expect(() => preparePage(0, bytes('{"events": ['), START)).toThrow(/not valid UTF-8 JSON/);
    expect(() => preparePage(0, new Uint8Array([0x7b, 0xff, 0x7d]).buffer, START)).toThrow(/not valid UTF-8 JSON/);
    expect(() => preparePage(0, bytes('{"events": "no"}'), START)).toThrow(BadPageError);
  });

  it('counts sub-millisecond times as out of order, so an in-order log is in order to the millisecond', () => {
    const precise = events(1, 3, GENESIS_HASH, (seq) => `2026-01-01T00:00:00.00${seq}5Z`);
    expect(preparePage(0, page(precise), START).to.atInOrder).toBe(false);
    const whole = events(1, 3, GENESIS_HASH, (seq) => `2026-01-01T00:00:0${seq}.000000Z`);
    expect(preparePage(0, page(whole), START).to.atInOrder).toBe(true);
  });
});

describe('textProbes', () => {
  it('takes the runs of letters and digits the trigram index can look up inside words', () => {
    expect(textProbes('sku-1037')).toEqual(['sku', '1037']);
    expect(textProbes('o-10123456')).toEqual(['10123456']);
    expect(textProbes('a b')).toEqual([]);
    expect(textProbes('agent agent')).toEqual(['agent']);
  });
});

describe('audit store on PGlite', () => {
  let dir: string;
  let store: AuditStore;
  const all = events(1, 1200, GENESIS_HASH);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'audit-store-'));
    // A bulk threshold of 500: the first pages drop the filter indexes.
    store = await openAuditStore(dir, { bulkBacklog: 500 });
  });

  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores prepared pages exactly (COPY escaping) and refuses one verified from another state', async () => {
    let state = await store.state();
    for (let start = 0; start < 1000; start += 250) {
      const prepared = preparePage(state.cursor, page(all.slice(start, start + 250), all.at(-1)), state);
      state = (await store.ingestPrepared(prepared)).state;
    }
    expect(state).toMatchObject({ cursor: 1000, stored: 1000, checked: 1000, bad: null, headSeq: 1200 });

    // Verified from a state the mirror does not hold (as if a page had been skipped): refused, nothing stored.
    const stale = preparePage(1000, page(all.slice(1000, 1100)), { ...state, checked: 999 });
    await expect(store.ingestPrepared(stale)).rejects.toThrow(/another chain state/);
    // Fetched from another cursor: refused.
    const moved = preparePage(900, page(all.slice(1000, 1100)), state);
    await expect(store.ingestPrepared(moved)).rejects.toThrow(/fetched after 900/);
    expect((await store.state()).cursor).toBe(1000);

    const rest = preparePage(1000, page(all.slice(1000)), state);
    expect((await store.ingestPrepared(rest)).state).toMatchObject({
      cursor: 1200,
      stored: 1200,
      checked: 1200,
      bad: null,
    });
    const stored = (await store.query({}, 0, 2000)).events;
    expect(stored).toEqual([...all].reverse());
  });

  it('answers queries between maintenance steps and ends with every filter index back', async () => {
    await store.settle();
    const expected = all
      .filter((e) => e.actor.type === 'staff' && e.actor.id === 'stf_1')
      .map((e) => e.seq)
      .reverse();
    let steps = 0;
    for (;;) {
      // Complete answers before, between and after the steps.
      const got = await store.query({ staffId: 'stf_1' }, 0, 1000);
      expect(got.events.map((e) => e.seq)).toEqual(expected);
      expect(got.total).toBe(expected.length);
      steps += 1;
      if (!(await store.maintain())) break;
    }
    expect(steps).toBeGreaterThan(Object.keys(FILTER_INDEXES).length);
    await store.close();
    // The indexes are on disk: look with a connection of our own while the store is closed.
    const db = await PGlite.create({ dataDir: dir, extensions: { pg_trgm } });
    const names = (
      await db.query<{ name: string }>("SELECT indexname AS name FROM pg_indexes WHERE tablename = 'audit_events'")
    ).rows.map((r) => r.name);
    const analyzed = (await db.query<{ n: number }>('SELECT analyzed_stored::int AS n FROM mirror_state')).rows[0]?.n;
    await db.close();
    expect(names).toEqual(expect.arrayContaining(Object.keys(FILTER_INDEXES)));
    expect(analyzed).toBe(1200);
    store = await openAuditStore(dir, { bulkBacklog: 500 });
    expect(await store.maintain()).toBe(false);
  });

  it('reads each text chunk, its trigram index and the filter indexes into the cache, one relation per step', async () => {
    while (!(await store.indexSearch()).done) {
      /* one chunk per step */
    }
    // The listing, then the one chunk's index and its text, the primary key, the five filter
    // indexes and the events; nothing after that.
    const steps: boolean[] = [];
    for (let done = false; !done && steps.length < 20;) {
      done = (await store.warmCache()).done;
      steps.push(done);
    }
    expect(steps).toEqual([...Array<boolean>(9).fill(false), true]);
    expect(await store.warmCache()).toEqual({ done: true });
    // Warming changes nothing a query sees.
    expect((await store.query({ text: 'sku-1037' }, 0, 10)).events.map((e) => e.seq)).toEqual([1037]);
  });

  it('reads what does not fit in the cache from its files, so that the OS caches it', async () => {
    await store.close();
    const ctx = await openStoreContext(dir, SEARCH_CHUNK);
    try {
      // No room in the cache: every relation, the events included, is read through its files.
      const tight = { ...ctx, cacheMb: 0 };
      const parts = await partsToWarm(tight);
      expect(parts.map((p) => p.into)).toEqual(parts.map(() => 'files'));
      expect(parts.map((p) => p.name)).toEqual(expect.arrayContaining(['audit_events', 'audit_events_pkey']));
      const before = bytesReadByThisProcess();
      const warming = cacheWarming(tight);
      while (!(await warming.warmCache()).done) {
        /* one part per step */
      }
      const blocks = parts.reduce((sum, p) => sum + p.to - p.from, 0);
      expect(bytesReadByThisProcess() - before).toBeGreaterThanOrEqual(blocks * 8192);
    } finally {
      await ctx.db.close();
      store = await openAuditStore(dir, { bulkBacklog: 500 });
    }
  });

  it("finds the file and bytes of blocks past a relation's first 1 GB segment", () => {
    const perSegment = 131_072;
    expect(segmentRanges('base/5/1', 10, 20)).toEqual([{ file: 'base/5/1', start: 10 * 8192, end: 20 * 8192 }]);
    expect(segmentRanges('base/5/1', perSegment - 2, perSegment + 3)).toEqual([
      { file: 'base/5/1', start: (perSegment - 2) * 8192, end: perSegment * 8192 },
      { file: 'base/5/1.1', start: 0, end: 3 * 8192 },
    ]);
  });
});

describe('common text on PGlite', () => {
  it('pages and counts text that is common in older chunks and rare in the newest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'audit-store-common-'));
    // Three chunks of 400; the phrase in every third event of the first two, once in the third.
    const all = events(1, 1200, GENESIS_HASH, undefined, (seq) =>
      (seq <= 800 && seq % 3 === 0) || seq === 1000 ? 'Common Phrase here' : 'other words',
    );
    // Walked queries step through 100 seqs at a time.
    const store = await openAuditStore(dir, { searchChunk: 400, bulkBacklog: 100_000, walkWindow: 100 });
    try {
      let state = await store.state();
      for (let start = 0; start < all.length; start += 300) {
        state = (
          await store.ingestPrepared(preparePage(state.cursor, page(all.slice(start, start + 300), all.at(-1)), state))
        ).state;
      }
      await store.settle();
      while (await store.maintain()) {
        /* statistics */
      }
      const expected = all
        .filter((e) => searchText(e).includes('common phrase'))
        .map((e) => e.seq)
        .reverse();
      for (const round of ['scanned', 'indexed']) {
        if (round === 'indexed')
          while (!(await store.indexSearch()).done) {
            /* one chunk per step */
          }
        for (const [offset, limit] of [
          [0, 10],
          [0, 300],
          [250, 50],
          [260, 10],
        ] as const) {
          const got = await store.query({ text: 'COMMON phrase' }, offset, limit);
          expect(
            got.events.map((e) => e.seq),
            `${round} ${offset}+${limit}`,
          ).toEqual(expected.slice(offset, offset + limit));
          expect(got.total).toBe(expected.length);
        }
      }
      // With other filters, walked window by window (with and without a time range).
      const at = (seq: number) => new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString();
      const combined: AuditFilter[] = [
        { action: 'staff.step_up', text: 'common phrase' },
        { customerId: 'cus_3', text: 'common phrase' },
        { action: 'staff.step_up', text: 'common phrase', from: at(101), to: at(703) },
        { customerId: 'cus_3', text: 'other words', from: at(650) },
      ];
      for (const filter of combined) {
        const matching = all
          .filter(
            (e) =>
              searchText(e).includes(filter.text ?? '') &&
              (!filter.action || e.action === filter.action) &&
              (!filter.customerId || e.customerId === filter.customerId) &&
              (!filter.from || e.at >= filter.from) &&
              (!filter.to || e.at <= filter.to),
          )
          .map((e) => e.seq)
          .reverse();
        expect(matching.length, JSON.stringify(filter)).toBeGreaterThan(10);
        for (const [offset, limit] of [
          [0, 5],
          [0, 1000],
          [7, 3],
        ] as const) {
          const got = await store.query(filter, offset, limit);
          expect(
            got.events.map((e) => e.seq),
            `${JSON.stringify(filter)} ${offset}+${limit}`,
          ).toEqual(matching.slice(offset, offset + limit));
          expect(got.total).toBe(matching.length);
        }
      }
      // Cancelled between windows: it stops with an AbortError after a few steps.
      let asked = 0;
      await expect(
        store.query({ action: 'staff.step_up', text: 'common phrase' }, 0, 5, () => ++asked > 3),
      ).rejects.toMatchObject({ name: 'AbortError' });
      expect(asked).toBe(4);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('cacheSizeFor', () => {
  it('gives a small mirror a small cache and a large one a quarter of its folder, within bounds', () => {
    const mb = 1024 * 1024;
    expect(cacheSizeFor(0)).toBe(16);
    expect(cacheSizeFor(40 * mb)).toBe(16);
    expect(cacheSizeFor(300 * mb)).toBe(75);
    expect(cacheSizeFor(1000 * mb)).toBe(250);
    expect(cacheSizeFor(2000 * mb)).toBe(256);
    expect(cacheSizeFor(50_000 * mb)).toBe(256);
  });
});

describe('free text on PGlite', () => {
  const all = events(1, 1500, GENESIS_HASH);
  const TEXTS = [
    'sku-1037',
    'SKU-10',
    'staff tab',
    'back\\slash',
    '\\n',
    'ünïcødé',
    '"two"',
    '10.0.1',
    '%',
    '_',
    'x',
    'session.',
    'staff',
  ];

  it('finds exactly the events whose search text holds the text, walked or through the index, in indexed and unindexed chunks', async () => {
    const db = await PGlite.create({ extensions: { pg_trgm, pageinspect } });
    try {
      await db.exec(MIRROR_SCHEMA);
      // Two chunks of 1,000: the first with its trigram index, the second still scanned.
      await db.exec(`CREATE TABLE audit_search_c0 PARTITION OF audit_search FOR VALUES FROM (1) TO (1001);
        CREATE TABLE audit_search_c1 PARTITION OF audit_search FOR VALUES FROM (1001) TO (2001);
        CREATE INDEX audit_search_c0_trgm ON audit_search_c0 USING gin (search gin_trgm_ops);`);
      let from = START;
      for (let start = 0; start < all.length; start += 500) {
        const prepared = preparePage(start, page(all.slice(start, start + 500)), from);
        from = prepared.to;
        await db.query(`COPY audit_events (${COPY_COLUMNS}) FROM '/dev/blob'`, [], { blob: new Blob([prepared.rows]) });
        await db.query("COPY audit_search (seq, search) FROM '/dev/blob'", [], {
          blob: new Blob([prepared.searchRows]),
        });
      }
      await db.exec('ANALYZE');
      for (const text of TEXTS) {
        const needle = text.toLowerCase();
        const expected = all
          .filter((e) => searchText(e).includes(needle))
          .map((e) => e.seq)
          .reverse();
        for (const plan of [
          null,
          { walk: true, probes: [] },
          { walk: false, probes: textProbes(needle) },
          { walk: false, probes: textProbes(needle).slice(-1) },
          { walk: false, probes: [] },
        ]) {
          const where = filterSql({ text }, null, plan);
          const got = await db.query<{ seq: number }>(
            `SELECT seq::int AS seq FROM audit_events ${where.sql} ORDER BY seq DESC`,
            where.params,
          );
          expect(
            got.rows.map((r) => r.seq),
            `${text} ${JSON.stringify(plan)}`,
          ).toEqual(expected);
        }
        if (['sku-1037', 'staff', '10.0.1'].includes(text)) expect(expected.length, text).toBeGreaterThan(0);
      }
    } finally {
      await db.close();
    }
  });
});
