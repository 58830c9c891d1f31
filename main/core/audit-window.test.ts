import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../shared/api/audit';
import type { AuditOlderPage, AuditSyncStatus, IpcChannel, IpcValue } from '../../shared/ipc/contract';
import { appendAudit, type AuditInput } from '../../shop/audit/append';
import type { TestShop } from '../../shop/test/harness';
import { DEMO_STAFF_PASSWORD, startDemoShop, totpCodes } from '../test/shop';
import type { ConsoleCore } from './console-core';
import { dispatch } from './ipc-handlers';
import { consoleWithAuditFolders } from '../test/audit-console';

const DAY = 86_400_000;
/** Events the shop recorded 200 and 100 days ago, before anyone signs in. */
const VERY_OLD = 300;
const OLD = 200;

function oldInput(i: number): AuditInput {
  return {
    action: i % 4 === 0 ? 'session.action_refused' : 'session.page_view',
    actor:
      i % 2 === 0
        ? { type: 'staff', id: 'stf_agent', name: 'Alex Agent' }
        : { type: 'staff', id: 'stf_admin', name: 'Ada Admin' },
    customerId: `cus_${String(i % 5)}`,
    sessionId: `ses_old_${String(Math.floor(i / 20))}`,
    details: { path: `/account/orders/${String(i)}`, note: `old visit ${String(i)}` },
  };
}

async function appendAt(shop: TestShop, daysAgo: number, from: number, count: number): Promise<void> {
  const clock = { now: () => new Date(Date.now() - daysAgo * DAY) };
  await shop.ctx.db.transaction(async (tx) => {
    for (let i = from; i < from + count; i += 1) await appendAudit(tx, clock, oldInput(i));
  });
}

// The console's side: the shop's backend changes nothing here (GET /audit/search is tested on both in
// shop/audit/search.test.ts), so it runs on the embedded one a newcomer's `npm start` uses.
describe("a supervisor's copy keeps the last 90 days; older history comes from the shop", () => {
  const backend = 'pglite';
  let shop: TestShop;
  let code: (email: string) => string;
  let dataRoot: string;
  const cores: ConsoleCore[] = [];

  /** A console as the launcher makes one: its data folder, the audit port's defaults, or this window. */
  function consoleWith(windowDays?: number | null): ConsoleCore {
    const core = consoleWithAuditFolders(shop.url, dataRoot, windowDays === undefined ? {} : { audit: { windowDays } });
    cores.push(core);
    return core;
  }

  async function call<C extends IpcChannel>(core: ConsoleCore, channel: C, args: unknown): Promise<IpcValue<C>> {
    const result = await dispatch(core.handlers, channel, args);
    if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
    return result.value as IpcValue<C>;
  }

  async function signIn(core: ConsoleCore, email: string): Promise<void> {
    await call(core, 'auth.signIn', { shopUrl: shop.url, email, password: DEMO_STAFF_PASSWORD });
    await call(core, 'auth.verifyMfa', { code: code(email) });
  }

  async function allOlder(core: ConsoleCore, filter: object): Promise<AuditEvent[]> {
    const found: AuditEvent[] = [];
    let before: number | null = null;
    for (;;) {
      const page: AuditOlderPage = await call(core, 'audit.older', { filter, before, limit: 120 });
      found.push(...page.events);
      if (page.nextBefore === null) return found;
      before = page.nextBefore;
    }
  }

  beforeAll(async () => {
    dataRoot = await mkdtemp(join(tmpdir(), 'audit-window-'));
    shop = await startDemoShop(backend);
    code = totpCodes(shop);
    await appendAt(shop, 200, 0, VERY_OLD);
    await appendAt(shop, 100, VERY_OLD, OLD);
  });
  afterAll(async () => {
    for (const core of cores) await core.shutdown();
    await shop.close();
    await rm(dataRoot, { recursive: true, force: true });
  });

  it('a new copy starts at the window, and the viewer pages through the rest at the shop', async () => {
    const core = consoleWith();
    await signIn(core, 'supervisor@demo.test');
    const status: AuditSyncStatus = await call(core, 'audit.sync', {});
    // The newest event before the window is seq 500: the copy starts after it, its link checked.
    expect(status.window).toMatchObject({ days: 90, heldAfter: VERY_OLD + OLD });
    expect(Date.parse(status.window?.since ?? '')).toBeLessThan(Date.now() - 89 * DAY);
    expect(status.verification).toMatchObject({ ok: true });
    expect(status.synced).toBe(status.lastSeq - (VERY_OLD + OLD));
    const held = await call(core, 'audit.query', { filter: {}, offset: 0, limit: 500 });
    expect(held.events.every((e) => e.seq > VERY_OLD + OLD)).toBe(true);
    expect(held.total).toBe(status.synced);

    // Older history: the shop's, newest first, in pages, never a seq the copy holds.
    const older = await allOlder(core, {});
    expect(older.map((e) => e.seq)).toEqual(Array.from({ length: VERY_OLD + OLD }, (_, i) => VERY_OLD + OLD - i));
    // The viewer's filters, answered by the shop.
    const refusedByAgent = await allOlder(core, { staffId: 'stf_agent', actionGroup: 'refused' });
    expect(refusedByAgent.length).toBe((VERY_OLD + OLD) / 4);
    expect(refusedByAgent.every((e) => e.actor.id === 'stf_agent' && e.action === 'session.action_refused')).toBe(true);
    const lastMonths = await allOlder(core, { from: new Date(Date.now() - 150 * DAY).toISOString() });
    expect(lastMonths.length).toBe(OLD);
    // Free text is this computer's alone: said plainly.
    const text = await dispatch(core.handlers, 'audit.older', {
      filter: { text: 'old visit' },
      before: null,
      limit: 50,
    });
    expect(text.ok ? null : text.error.message).toBe(
      "Free text searches only the last 90 days. Clear the text to search the shop's older history.",
    );
    await call(core, 'auth.signOut', {});

    // An agent's copy holds all their own events, however old: no window, nothing from the shop.
    await signIn(core, 'agent@demo.test');
    const own = await call(core, 'audit.sync', {});
    expect(own.window).toBeNull();
    expect(await call(core, 'audit.older', { filter: {}, before: null, limit: 50 })).toEqual({
      events: [],
      nextBefore: null,
    });
    await call(core, 'auth.signOut', {});
  });

  it('a copy that kept everything drops what is older than its window, and keeps answering', async () => {
    // The administrator's first console keeps the whole log ("all"): 500 old events included.
    const keepAll = consoleWith(null);
    await signIn(keepAll, 'admin@demo.test');
    const full = await call(keepAll, 'audit.sync', {});
    expect(full.window).toBeNull();
    expect(full.synced).toBe(full.lastSeq);
    await call(keepAll, 'auth.signOut', {});
    await keepAll.shutdown();

    // The same folder, opened with the default window: the next sync drops the old events in the background.
    const windowed = consoleWith();
    await signIn(windowed, 'admin@demo.test');
    await call(windowed, 'audit.sync', {});
    await expect
      .poll(async () => (await call(windowed, 'audit.status', {})).window?.heldAfter, { timeout: 30_000 })
      .toBe(VERY_OLD + OLD);
    const status = await call(windowed, 'audit.status', {});
    expect(status.synced).toBe(status.lastSeq - (VERY_OLD + OLD));
    // Filters over actions find nothing of what was dropped.
    for (const filter of [{ actionGroup: 'refused' }, { action: 'session.page_view' }]) {
      const counted = await call(windowed, 'audit.query', { filter, offset: 0, limit: 50 });
      expect(counted).toEqual({ total: 0, events: [] });
    }
    const text = await call(windowed, 'audit.query', { filter: { text: 'old visit' }, offset: 0, limit: 50 });
    expect(text.total).toBe(0);
    const older = await call(windowed, 'audit.older', { filter: { text: '' }, before: null, limit: 10 });
    expect(older.events.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => VERY_OLD + OLD - i));
    // Checking every held event again finds nothing wrong after the drop.
    const before = (await call(windowed, 'audit.status', {})).reverify.lastCompletedAt;
    await call(windowed, 'audit.verifyAgain', {});
    await expect
      .poll(async () => (await call(windowed, 'audit.status', {})).reverify.lastCompletedAt, { timeout: 30_000 })
      .not.toBe(before);
    expect((await call(windowed, 'audit.status', {})).verification).toMatchObject({ ok: true });
  });
});
