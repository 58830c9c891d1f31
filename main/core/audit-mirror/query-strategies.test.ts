import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditAction, AuditEvent } from '../../../shared/api/audit';
import { computeEventHash, GENESIS_HASH } from '../../../shared/audit/chain';
import { AUDIT_COLUMN_LIST, eventFromRow, type StoredAuditRow } from '../../../shared/audit/codec';
import { AUDIT_COUNT_CAP, type AuditFilter } from '../../../shared/ipc/contract';
import { filterSql, type TextPlan } from './filter-sql';
import { ingestPrepared } from './ingest';
import { indexNextChunk, openMaintenance } from './maintenance';
import { preparePage, type VerifyState } from './prepare';
import { planQuery } from './query-plan';
import {
  actionGroupAlone,
  chooseStrategy,
  commonTextAlone,
  commonTextInWindows,
  plainPage,
  QueryCancelledError,
  textThroughIndex,
  type QueryResult,
  type StrategyInput,
  type StrategyName,
} from './query-strategies';
import { ensureActionCounts, openStoreContext, type StoreContext } from './store-context';

/** 900 events in three text chunks of 300, so every strategy meets chunks, windows and sample shares. */
const EVENTS = 900;
const CHUNK = 300;
const WALK_WINDOW = 64;
const ACTIONS: readonly AuditAction[] = [
  'session.page_view',
  'session.action',
  'staff.sign_in_failed',
  'staff.step_up',
  'access.denied',
  'session.refused',
];
const START: VerifyState = {
  chain: { lastSeq: 0, lastHash: GENESIS_HASH },
  checked: 0,
  bad: null,
  lastAtMs: 0,
  atInOrder: true,
};
const at = (seq: number) => new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString();

/**
 * What each event's details say: "common phrase" in every third of the two older chunks and once
 * in the newest (common overall, rare in chunk 2), "middling word" in 5 % (walked, not counted by
 * walking) and "rare marker" in under 2 % (looked up through the trigram index).
 */
function noteFor(seq: number): string {
  if ((seq <= 600 && seq % 3 === 0) || seq === 800) return 'Common Phrase here';
  if (seq % 20 === 0) return 'middling word';
  if (seq % 60 === 7) return 'rare marker';
  return 'plain note';
}

function chainedEvents(): AuditEvent[] {
  const out: AuditEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= EVENTS; seq += 1) {
    const body: Omit<AuditEvent, 'hash'> = {
      seq,
      id: `evt_${seq}`,
      at: at(seq),
      action: ACTIONS[seq % ACTIONS.length] ?? 'session.action',
      actor: { type: 'staff', id: `stf_${seq % 3}`, name: `Staff ${seq % 3}` },
      customerId: `cus_${seq % 4}`,
      sessionId: `ses_${Math.floor(seq / 25)}`,
      ip: `10.0.${seq % 256}.1`,
      userAgent: 'test',
      details: { sku: `SKU-${seq}`, note: noteFor(seq) },
      prevHash,
    };
    const event = { ...body, hash: computeEventHash(body) };
    out.push(event);
    prevHash = event.hash;
  }
  return out;
}

describe('query strategies on PGlite', () => {
  let ctx: StoreContext;

  beforeAll(async () => {
    ctx = await openStoreContext(undefined, CHUNK);
    const maintenance = await openMaintenance(ctx.db, () => undefined);
    const deps = { db: ctx.db, chunks: ctx.chunks, bulkBacklog: 100_000, maintenance };
    const all = chainedEvents();
    const head = { seq: EVENTS, hash: all.at(-1)?.hash ?? GENESIS_HASH };
    let from: VerifyState = START;
    for (let start = 0; start < EVENTS; start += 250) {
      const events = all.slice(start, start + 250);
      const page = preparePage(start, { events, nextAfter: events.at(-1)?.seq ?? 0, head }, from);
      await ingestPrepared(deps, page);
      from = page.to;
    }
    // The filter indexes, statistics, and every chunk's trigram index, as after a sync's upkeep.
    await maintenance.settle();
    while (await maintenance.maintain()) {
      /* one statement per step */
    }
    while (
      !(
        await indexNextChunk(
          ctx,
          () => false,
          () => undefined,
        )
      ).done
    ) {
      /* one chunk per step */
    }
  });

  afterAll(async () => {
    await ctx.db.close();
  });

  /** The plain answer: every match by the filter's SQL with its time conditions and no text plan, newest first. */
  async function reference(filter: AuditFilter, offset: number, limit: number): Promise<QueryResult> {
    const where = filterSql(filter);
    const rows = await ctx.db.query<StoredAuditRow>(
      `SELECT ${AUDIT_COLUMN_LIST} FROM audit_events ${where.sql} ORDER BY seq DESC`,
      where.params,
    );
    return {
      total: Math.min(rows.rows.length, AUDIT_COUNT_CAP),
      events: rows.rows.slice(offset, offset + limit).map(eventFromRow),
    };
  }

  /**
   * Runs `strategy` as the store would (one transaction, the plan read in it), after checking
   * that the store would choose it for this query, and compares its answer with the reference.
   */
  async function expectSameAsReference(
    name: StrategyName,
    strategy: (input: StrategyInput) => Promise<QueryResult>,
    filter: AuditFilter,
    pages: readonly (readonly [number, number])[],
    cancelled?: () => boolean,
  ): Promise<void> {
    for (const [offset, limit] of pages) {
      const label = `${JSON.stringify(filter)} ${offset}+${limit}`;
      const got = await ctx.db.transaction(async (tx) => {
        const { state, range, plan } = await planQuery(tx, filter, CHUNK);
        expect(chooseStrategy(filter, offset, limit, range, plan), label).toBe(name);
        return strategy({
          tx,
          chunks: ctx.chunks,
          filter,
          offset,
          limit,
          state,
          range,
          plan,
          walkWindow: WALK_WINDOW,
          cancelled,
        });
      });
      const expected = await reference(filter, offset, limit);
      expect(
        got.events.map((e) => e.seq),
        label,
      ).toEqual(expected.events.map((e) => e.seq));
      expect(got.events, label).toEqual(expected.events);
      expect(got.total, label).toBe(expected.total);
    }
  }

  const planOf = (filter: AuditFilter) => ctx.db.transaction(async (tx) => (await planQuery(tx, filter, CHUNK)).plan);

  it('commonTextAlone: common text alone, walked chunk by chunk and counted either way', async () => {
    expect((await reference({ text: 'common phrase' }, 0, 0)).total).toBe(201);
    expect(await planOf({ text: 'common phrase' })).toMatchObject({ walk: true, countByWalk: true, rareInChunks: [2] });
    expect(await planOf({ text: 'middling word' })).toMatchObject({ walk: true, countByWalk: false, rareInChunks: [] });
    const pages = [
      [0, 10],
      [0, 500],
      [190, 20],
      [AUDIT_COUNT_CAP, 10],
    ] as const;
    // In a tenth of the events or more: counted by walking; the newest chunk looked up through its index.
    await expectSameAsReference('commonTextAlone', commonTextAlone, { text: 'COMMON phrase' }, pages);
    // In 5 %: walked to, counted through the whole text's trigrams.
    await expectSameAsReference('commonTextAlone', commonTextAlone, { text: 'middling word' }, pages);
  });

  it('textThroughIndex: rare text, alone or with other filters, in one pass up to the cap', async () => {
    expect((await reference({ text: 'rare marker' }, 0, 0)).total).toBe(15);
    // Asked only for the run that is rare in the sample (every event has a `sku`).
    expect(await planOf({ text: 'sku-123' })).toEqual({ walk: false, probes: ['123'] });
    const pages = [
      [0, 5],
      [3, 5],
      [0, 100],
    ] as const;
    await expectSameAsReference('textThroughIndex', textThroughIndex, { text: 'rare marker' }, pages);
    await expectSameAsReference('textThroughIndex', textThroughIndex, { text: 'sku-123' }, pages);
    await expectSameAsReference(
      'textThroughIndex',
      textThroughIndex,
      { text: 'rare marker', from: at(200), to: at(700) },
      pages,
    );
  });

  it('commonTextInWindows: common text with other filters, walked window by window', async () => {
    const pages = [
      [0, 5],
      [7, 3],
      [0, 1000],
    ] as const;
    for (const filter of [
      { action: 'staff.step_up', text: 'common phrase' },
      { customerId: 'cus_1', text: 'common phrase', from: at(101), to: at(703) },
      { staffId: 'stf_2', text: 'plain note', from: at(650) },
    ]) {
      expect((await reference(filter, 0, 0)).total, JSON.stringify(filter)).toBeGreaterThan(10);
      await expectSameAsReference('commonTextInWindows', commonTextInWindows, filter, pages);
    }
  });

  it('commonTextInWindows stops between windows once cancelled', async () => {
    let asked = 0;
    const filter = { action: 'staff.step_up', text: 'common phrase' };
    await expect(
      expectSameAsReference('commonTextInWindows', commonTextInWindows, filter, [[0, 5]], () => ++asked > 3),
    ).rejects.toBeInstanceOf(QueryCancelledError);
    expect(asked).toBe(4);
  });

  it('actionGroupAlone: a named group or an action prefix, one index walk per action, merged', async () => {
    const pages = [
      [0, 10],
      [0, 1000],
      [25, 10],
    ] as const;
    expect((await reference({ actionGroup: 'refused' }, 0, 0)).total).toBe(450);
    await expectSameAsReference('actionGroupAlone', actionGroupAlone, { actionGroup: 'refused' }, pages);
    await expectSameAsReference('actionGroupAlone', actionGroupAlone, { action: 'session.' }, pages);
    await expectSameAsReference('actionGroupAlone', actionGroupAlone, { action: 'staff.', from: at(300) }, pages);
    // A prefix no stored action has: nothing, without a statement to union.
    await expectSameAsReference('actionGroupAlone', actionGroupAlone, { action: 'customer.' }, pages);
  });

  it('counts an action or a group alone from the per-action counts, also in a mirror that had none', async () => {
    const pages = [
      [0, 10],
      [100, 10],
    ] as const;
    await expectSameAsReference('plainPage', plainPage, { action: 'session.action' }, pages);
    await expectSameAsReference('actionGroupAlone', actionGroupAlone, { action: 'session.' }, pages);
    // A mirror from before the counts (schema version 4): they are counted from its events as it opens.
    await ctx.db.exec('DROP TABLE audit_action_counts');
    await ensureActionCounts(ctx.db);
    await expectSameAsReference('actionGroupAlone', actionGroupAlone, { actionGroup: 'refused' }, pages);
    await expectSameAsReference('plainPage', plainPage, { action: 'staff.step_up' }, pages);
    // Stale counts would show: the walked count and the counted one must agree.
    const counted = await ctx.db.query<{ n: number }>('SELECT sum(n)::bigint AS n FROM audit_action_counts');
    expect(counted.rows[0]?.n).toBe(
      (await ctx.db.query<{ n: number }>('SELECT count(*)::bigint AS n FROM audit_events')).rows[0]?.n,
    );
  });

  it('plainPage: no filter (one primary-key probe on a complete log) and any other filter', async () => {
    const pages = [
      [0, 10],
      [500, 10],
      [0, 1000],
      [AUDIT_COUNT_CAP, 10],
    ] as const;
    await expectSameAsReference('plainPage', plainPage, {}, pages);
    await expectSameAsReference('plainPage', plainPage, { staffId: 'stf_1' }, pages);
    await expectSameAsReference('plainPage', plainPage, { action: 'session.action', to: at(450) }, pages);
    await expectSameAsReference('plainPage', plainPage, { actionGroup: 'refused', sessionId: 'ses_4' }, pages);
    // Deeper than the cap, common text with another filter is paged plainly and counted through the index.
    await expectSameAsReference('plainPage', plainPage, { action: 'staff.step_up', text: 'common phrase' }, [
      [AUDIT_COUNT_CAP - 5, 10],
    ]);
  });
});

describe('chooseStrategy', () => {
  const walk: TextPlan = { walk: true, probes: ['common'], countByWalk: true, rareInChunks: [] };
  const index: TextPlan = { walk: false, probes: ['rare'] };
  const deep = AUDIT_COUNT_CAP;
  const cases: [AuditFilter, number, { lo?: number; hi?: number } | null, TextPlan | null, StrategyName][] = [
    // Common text alone, at any depth.
    [{ text: 'common' }, 0, null, walk, 'commonTextAlone'],
    [{ text: 'common' }, deep, null, walk, 'commonTextAlone'],
    // Text through the index, alone or not, within the cap.
    [{ text: 'rare' }, 0, null, index, 'textThroughIndex'],
    [{ text: 'rare', staffId: 'stf_1', from: '2026-01-01T00:00:00Z' }, 0, null, index, 'textThroughIndex'],
    [{ text: 'rare' }, deep, null, index, 'plainPage'],
    // Common text with other filters: walked in windows unless its times are not a seq range.
    [{ text: 'common', action: 'session.action' }, 0, null, walk, 'commonTextInWindows'],
    [{ text: 'common', from: '2026-01-01T00:00:00Z' }, 0, { lo: 5, hi: 90 }, walk, 'commonTextInWindows'],
    [{ text: 'common', to: '2026-01-01T00:00:00Z' }, 0, null, walk, 'plainPage'],
    [{ text: 'common', action: 'session.action' }, deep, null, walk, 'plainPage'],
    // An action group with nothing but times.
    [{ actionGroup: 'refused' }, 0, null, null, 'actionGroupAlone'],
    [{ action: 'session.' }, 0, null, null, 'actionGroupAlone'],
    [{ action: 'session.', from: '2026-01-01T00:00:00Z' }, 0, { lo: 5 }, null, 'actionGroupAlone'],
    [{ actionGroup: 'refused', customerId: 'cus_1' }, 0, null, null, 'plainPage'],
    [{ actionGroup: 'refused', text: '  ' }, 0, null, null, 'plainPage'],
    [{ actionGroup: 'refused' }, deep, null, null, 'plainPage'],
    // Everything else.
    [{}, 0, null, null, 'plainPage'],
    [{}, deep, null, null, 'plainPage'],
    [{ action: 'session.action' }, 0, null, null, 'plainPage'],
    [{ staffId: 'stf_1', sessionId: 'ses_1' }, 0, null, null, 'plainPage'],
    [{ text: '   ' }, 0, null, null, 'plainPage'],
  ];

  it.each(cases)('%j at offset %i (range %j, plan %j) → %s', (filter, offset, range, plan, expected) => {
    expect(chooseStrategy(filter, offset, 10, range, plan)).toBe(expected);
  });
});
