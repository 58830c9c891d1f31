/**
 * The console UI in the browser tier, on the benchmark data: the built renderer in headless
 * Chromium, the real console core behind the browser-tier server, the shop CLI in its own
 * process on PostgreSQL.
 *
 * - Search: time from the last keystroke of a query to its results painted, split into keystroke →
 *   request sent, request → answer in the page (with the console core's shop round trip inside it)
 *   and answer → paint, on the 1,000,000-customer database (`concierge_bench`, seeded by
 *   `npm run bench -- search`).
 * - Audit viewer: with 1,000,000 events in the console's local mirror (synced from
 *   `concierge_bench_audit`, a copy of the generated events made once (audit-data.ts); the
 *   mirror is kept in .tmp/bench-console-audit-mirror and reused): jumps to random scroll positions until every
 *   visible row shows its event, frame times while scrolling continuously, and filter changes
 *   until the new rows are painted.
 */
import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { chromium, type Browser, type Page } from '@playwright/test';
import { startBrowserTier, type BrowserTier } from '../main/browser-tier/server';
import { CHROMIUM_ARGS, createPlaywrightViewHost } from '../main/browser-tier/view-host-playwright';
import { createAuditPort } from '../main/core/audit-port';
import { createAuditMirror, type AuditMirror } from '../main/core/audit-mirror';
import { createVault, type Keychain } from '../main/core/vault';
import { totpCode } from '../shop/auth/totp';
import { ACTION_GROUPS } from '../renderer/src/audit/describe';
import { DEMO_STAFF, DEMO_STAFF_PASSWORD } from '../shop/seed/staff';
import {
  renderConsoleUiSection,
  stats,
  summarizeSearch,
  type AuditResults,
  type FilterSamples,
  type FilterStats,
  type SearchSample,
} from './console-ui-report';
import { FILTER_ROUNDS, SCROLL_FRAMES, TYPING_DELAY_MS } from './console-ui-settings';
import { machine, ms } from './load';
import { writeSection } from './report';
import type { BenchPart } from './run';
import { auditBenchDatabase } from './audit-data';
import { benchDatabase } from './database';
import { startShopProcess, stopShopProcess } from './shop-process';
import { prepareSearchDatabase } from './search';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MIRROR_DIR = fileURLToPath(new URL('../.tmp/bench-console-audit-mirror', import.meta.url));
const CONSOLE_DATA_DIR = fileURLToPath(new URL('../.tmp/bench-console-data', import.meta.url));
const JUMPS = 40;

/** The benchmark needs no stored sign-in: an empty in-memory keychain. */
function memoryKeychain(): Keychain {
  const entries = new Map<string, string>();
  return {
    get: (service, account) => Promise.resolve(entries.get(`${service}|${account}`) ?? null),
    set: (service, account, secret) => {
      entries.set(`${service}|${account}`, secret);
      return Promise.resolve();
    },
    delete: (service, account) => {
      entries.delete(`${service}|${account}`);
      return Promise.resolve();
    },
  };
}

async function signIn(page: Page, email: string): Promise<void> {
  const member = DEMO_STAFF.find((s) => s.email === email);
  if (!member) throw new Error(`${email} is not demo staff`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_STAFF_PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Authenticator code').fill(totpCode(member.totpSecret, new Date()));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/**
 * Records, in the page, when each IPC request leaves (to split debounce from the round trip).
 * tsx compiles this file with esbuild's keepNames, which wraps named functions inside the
 * page.evaluate callbacks in a `__name` helper the page does not have: define it as identity.
 */
const RECORD_REQUESTS = `
  globalThis.__name = (fn) => fn;
  window.__ipcStarts = [];
  const original = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input.url;
    const entry = { url, body: init && typeof init.body === 'string' ? init.body : '', at: performance.now(), answeredAt: null, firstSeq: undefined };
    window.__ipcStarts.push(entry);
    return original(input, init).then((response) => {
      entry.answeredAt = performance.now();
      // The audit viewer's first pages: which event the answer puts first (null: none), so the
      // bench can tell the frame that shows it.
      if (url.endsWith('/ipc/audit.query') && entry.body.includes('"offset":0')) {
        response.clone().json().then((b) => { entry.firstSeq = b && b.ok && b.value.events.length > 0 ? b.value.events[0].seq : null; }, () => { entry.firstSeq = null; });
      }
      return response;
    });
  };
`;

/**
 * Times the console core's requests to the shop's search (Node's fetch, which ky calls per
 * request) until the answer's headers arrive, by query; aborted requests are not recorded.
 */
function recordShopSearches(): { times: Map<string, number>; restore: () => void } {
  const times = new Map<string, number>();
  const original = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const started = performance.now();
    const response = await original(input, init);
    const q = url.includes('/api/v1/customers?') ? new URL(url).searchParams.get('q') : null;
    if (q !== null) times.set(q, performance.now() - started);
    return response;
  };
  return {
    times,
    restore: () => {
      globalThis.fetch = original;
    },
  };
}

async function searchQueries(): Promise<string[]> {
  const client = new pg.Client({ connectionString: await benchDatabase('concierge_bench') });
  await client.connect();
  try {
    const names = await client.query<{ last_name: string }>(
      `SELECT last_name FROM customers WHERE id IN (SELECT id FROM customers ORDER BY id OFFSET 1000 LIMIT 400) GROUP BY last_name LIMIT 12`,
    );
    const emails = await client.query<{ email: string }>(
      `SELECT email FROM customers ORDER BY id OFFSET 500000 LIMIT 12`,
    );
    const orders = await client.query<{ number: string }>(
      `SELECT number FROM documents WHERE type = 'order' ORDER BY id OFFSET 700000 LIMIT 12`,
    );
    return [
      ...names.rows.map((r) => r.last_name.slice(1, 5).toLowerCase()),
      ...emails.rows.map((r) => r.email.slice(0, Math.min(r.email.indexOf('@'), 9))),
      ...orders.rows.map((r) => r.number),
    ];
  } finally {
    await client.end();
  }
}

async function measureSearch(browser: Browser): Promise<{ samples: SearchSample[]; queries: number }> {
  // The search part's database: seeded here too when this part runs first (the longest step).
  const databaseUrl = await benchDatabase('concierge_bench');
  await prepareSearchDatabase(databaseUrl);
  const shop = await startShopProcess(databaseUrl);
  let tier: BrowserTier | null = null;
  const shopSearches = recordShopSearches();
  try {
    tier = await startBrowserTier({
      shopUrl: shop.url,
      rendererDir: `${ROOT}out/renderer`,
      dataDir: CONSOLE_DATA_DIR,
      viewHost: createPlaywrightViewHost({ browser }),
      vault: createVault({ keychain: memoryKeychain() }),
      createAudit: (deps) => createAuditPort({ ...deps, dataDirFor: () => null }),
      log: () => undefined,
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.addInitScript(RECORD_REQUESTS);
    await page.goto(tier.url);
    await signIn(page, 'agent@demo.test');
    const input = page.getByRole('combobox', { name: 'Search customers' });
    const queries = await searchQueries();
    const samples: SearchSample[] = [];
    for (const [i, q] of queries.entries()) {
      await input.fill('');
      await page.getByText('Start typing to find a customer.').waitFor();
      await input.pressSequentially(q.slice(0, -1), { delay: TYPING_DELAY_MS });
      await page.evaluate((query) => {
        const w = window as unknown as {
          __q: string;
          __t0: number | null;
          __t1: number | null;
          __obs?: MutationObserver;
        };
        w.__q = query;
        w.__t0 = null;
        w.__t1 = null;
        w.__obs?.disconnect();
        const box = document.getElementById('customer-search');
        box?.addEventListener(
          'keydown',
          (e) => {
            w.__t0 = e.timeStamp;
          },
          { once: true },
        );
        const check = () => {
          if (w.__t1 !== null || w.__t0 === null) return;
          const shown = [...document.querySelectorAll('[data-query]')].some(
            (el) => el.getAttribute('data-query') === w.__q,
          );
          if (shown)
            requestAnimationFrame(() => {
              w.__t1 = performance.now();
            });
        };
        w.__obs = new MutationObserver(check);
        w.__obs.observe(document.body, {
          subtree: true,
          childList: true,
          attributes: true,
          attributeFilter: ['data-query', 'class'],
        });
      }, q);
      await input.press(q.slice(-1));
      await page.waitForFunction(() => (window as unknown as { __t1: number | null }).__t1 !== null, undefined, {
        timeout: 30_000,
      });
      const sample = await page.evaluate((query) => {
        const w = window as unknown as {
          __t0: number;
          __t1: number;
          __ipcStarts: { url: string; body: string; at: number; answeredAt: number | null }[];
        };
        const request = [...w.__ipcStarts]
          .reverse()
          .find(
            (r) => r.url.endsWith('/ipc/shop.searchCustomers') && (JSON.parse(r.body) as { q?: string }).q === query,
          );
        const answeredAt = request?.answeredAt ?? Number.NaN;
        return {
          total: w.__t1 - w.__t0,
          toRequest: request ? request.at - w.__t0 : Number.NaN,
          afterRequest: request ? w.__t1 - request.at : Number.NaN,
          roundTrip: request ? answeredAt - request.at : Number.NaN,
          toPaint: w.__t1 - answeredAt,
        };
      }, q);
      // The first few warm the page, the bridge and the shop's caches.
      if (i >= 3) samples.push({ ...sample, shop: shopSearches.times.get(q) ?? Number.NaN });
    }
    await page.close();
    return { samples, queries: queries.length };
  } finally {
    shopSearches.restore();
    await tier?.close();
    await stopShopProcess(shop.child);
  }
}

/** What the page records of its IPC requests, and the filter watch's result. */
interface FilterWatch {
  __ipcStarts: {
    url: string;
    body: string;
    at: number;
    answeredAt: number | null;
    firstSeq: number | null | undefined;
  }[];
  __filterDone: { startedAt: number; doneAt: number; sentAt: number | null; answeredAt: number | null } | null;
}

/** Milliseconds until every visible row shows an event, after setting scrollTop. */
async function jumpTo(page: Page, fraction: number): Promise<number> {
  return page.evaluate(
    (f) =>
      new Promise<number>((resolve) => {
        const scroller = document.querySelector('.event-scroller');
        if (!scroller) throw new Error('no audit list');
        const t0 = performance.now();
        scroller.scrollTop = f * (scroller.scrollHeight - scroller.clientHeight);
        const done = () => {
          const rows = [...scroller.querySelectorAll('[role=row]')];
          return rows.length > 0 && rows.every((r) => !r.textContent.includes('Loading…'));
        };
        const tick = () => {
          if (done()) resolve(performance.now() - t0);
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
    fraction,
  );
}

/** Frame intervals while scrolling 3 rows per frame, and how many frames showed a row still loading. */
async function continuousScroll(page: Page): Promise<{ intervals: number[]; blank: number }> {
  return page.evaluate(
    (frames) =>
      new Promise<{ intervals: number[]; blank: number }>((resolve) => {
        const scroller = document.querySelector('.event-scroller');
        if (!scroller) throw new Error('no audit list');
        scroller.scrollTop = 0.3 * scroller.scrollHeight;
        const intervals: number[] = [];
        let blank = 0;
        let last = performance.now();
        let n = 0;
        const step = () => {
          const now = performance.now();
          intervals.push(now - last);
          last = now;
          if ([...scroller.querySelectorAll('[role=row]')].some((r) => r.textContent.includes('Loading…'))) blank += 1;
          scroller.scrollTop += 84;
          n += 1;
          if (n < frames) requestAnimationFrame(step);
          else resolve({ intervals: intervals.slice(1), blank });
        };
        requestAnimationFrame(step);
      }),
    SCROLL_FRAMES,
  );
}

/** The mirror the audit port opened at sign-in, held by the bench, and how long each of its first pages took. */
interface HeldMirror {
  mirror: AuditMirror | null;
  /** Milliseconds per first page (offset 0) the viewer asked for, in order. */
  firstPageMs: number[];
}

/** The browser tier with the audit port's mirror in MIRROR_DIR, handed to `held` when it opens. */
async function startAuditTier(browser: Browser, shopUrl: string, held: HeldMirror): Promise<BrowserTier> {
  await mkdir(MIRROR_DIR, { recursive: true });
  return startBrowserTier({
    shopUrl,
    rendererDir: `${ROOT}out/renderer`,
    dataDir: CONSOLE_DATA_DIR,
    viewHost: createPlaywrightViewHost({ browser }),
    vault: createVault({ keychain: memoryKeychain() }),
    // One staff member signs in here; the shop's port changes each run, so the folder is fixed.
    createAudit: (deps) =>
      createAuditPort({
        ...deps,
        dataDirFor: () => MIRROR_DIR,
        // The generated log's events are from January 2026 (audit-data.ts): what is measured is the
        // viewer over a million events held here, which the default 90-day window would drop.
        windowDays: null,
        createMirror: (options) => {
          const opened = createAuditMirror(options);
          const mirror: AuditMirror = {
            ...opened,
            query: async (filter, offset, limit, signal) => {
              const started = performance.now();
              const result = await opened.query(filter, offset, limit, signal);
              if (offset === 0) held.firstPageMs.push(performance.now() - started);
              return result;
            },
          };
          held.mirror = mirror;
          return mirror;
        },
      }),
    log: () => undefined,
  });
}

type MirrorTimes = Pick<AuditResults, 'openSeconds' | 'syncSeconds' | 'settleSeconds' | 'warmSeconds'>;

/**
 * From the audit screen's first click until the mirror is as an agent finds it: open, in sync
 * (a full sync on the first run only), its indexes complete and its page cache warm.
 */
async function settleMirror(page: Page, tier: BrowserTier, held: HeldMirror): Promise<MirrorTimes> {
  await page.getByRole('button', { name: 'Audit' }).click();
  // Opening a mirror of a million events (PGlite in the mirror's worker) takes a while.
  const opening = Date.now();
  await page
    .getByRole('status', { name: 'Sync status' })
    .filter({ hasNotText: /copy of the audit log/ })
    .waitFor({ timeout: 900_000 });
  const openSeconds = (Date.now() - opening) / 1000;
  console.log(`  audit mirror open after ${openSeconds.toFixed(0)} s`);
  const before = await tier.core.audit.status();
  let syncSeconds: number | null = null;
  if (before.lastSeq < before.headSeq || before.headSeq === 0) {
    const started = Date.now();
    console.log('  syncing the local audit mirror (first run only)…');
    // Opening the audit screen already asks the mirror to catch up; "Sync now" only when it has not.
    const syncNow = page.getByRole('button', { name: 'Sync now' });
    if (await syncNow.isEnabled()) await syncNow.click();
    await page.waitForFunction(
      () => document.querySelector('[aria-label="Sync status"]')?.textContent.startsWith('Synced') === true,
      undefined,
      { timeout: 3_600_000, polling: 1000 },
    );
    syncSeconds = (Date.now() - started) / 1000;
  }
  // After a bulk sync the mirror rebuilds its filter indexes and fills its text index in the
  // background; the viewer is measured once that is done (the audit-sync part measures queries
  // during the catch-up), so every run sees the state an agent works in.
  let settleSeconds: number | null = null;
  if (syncSeconds !== null) {
    const settling = Date.now();
    if (!held.mirror) throw new Error('the audit port did not open a mirror');
    const { mirror } = held;
    await mirror.maintained();
    await mirror.searchReady();
    settleSeconds = (Date.now() - settling) / 1000;
    console.log(`  mirror indexes complete ${settleSeconds.toFixed(0)} s after the sync`);
  }
  // The mirror opens at sign-in and reads what queries need into its page cache in the
  // background; an agent reaches the viewer seconds later. Measured once that is done.
  const warming = Date.now();
  const { mirror } = held;
  if (!mirror) throw new Error('the audit port did not open a mirror');
  await mirror.warmed();
  const warmSeconds = (Date.now() - warming) / 1000;
  console.log(`  mirror page cache warm ${warmSeconds.toFixed(1)} s later`);
  return { openSeconds, syncSeconds, settleSeconds, warmSeconds };
}

/**
 * Starts watching, in the page, frame by frame, for the next filter change to show: done at the
 * first animation frame whose DOM shows the new filter's first page: its first event on the top
 * row (or the empty note), its count, no row still loading. When the answer came from the page's
 * cache and nothing was sent, done once the count changed. Returns the page's request count before.
 */
async function watchFilterChange(page: Page): Promise<number> {
  return page.evaluate(() => {
    const w = window as unknown as FilterWatch;
    const countText = () =>
      [...document.querySelectorAll('[role=status]')].find((e) => /events$/.test(e.textContent))?.textContent ?? '';
    const countBefore = countText();
    const mark = w.__ipcStarts.length;
    // The clock starts when the change reaches the page (the first input, change or click
    // event), not when Playwright is asked for it.
    let startedAt = Number.NaN;
    const types = ['input', 'change', 'click'];
    const started = () => {
      startedAt = performance.now();
      for (const type of types) window.removeEventListener(type, started, { capture: true });
    };
    for (const type of types) window.addEventListener(type, started, { capture: true });
    w.__filterDone = null;
    const tick = () => {
      const now = performance.now();
      const rows = [...document.querySelectorAll('.event-scroller [role=row]')];
      const loaded = rows.every((r) => !r.textContent.includes('Loading…'));
      const last = w.__ipcStarts
        .slice(mark)
        .filter((r) => r.url.endsWith('/ipc/audit.query') && r.body.includes('"offset":0'))
        .at(-1);
      let done: boolean;
      if (last) {
        const top = document.querySelector('.event-scroller [role=row] [role=cell]')?.textContent;
        const shows =
          last.firstSeq === null
            ? document.querySelector('.event-scroller .empty') !== null
            : top === String(last.firstSeq);
        done =
          last.firstSeq !== undefined &&
          last.answeredAt !== null &&
          shows &&
          loaded &&
          !countText().startsWith('Loading');
      } else {
        done = countText() !== countBefore && loaded;
      }
      if (done && !Number.isNaN(startedAt))
        w.__filterDone = { startedAt, doneAt: now, sentAt: last?.at ?? null, answeredAt: last?.answeredAt ?? null };
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    return mark;
  });
}

type FilterDone = NonNullable<FilterWatch['__filterDone']>;

/** Waits for the watch to see the change shown; on a timeout, logs the last audit queries and fails. */
async function filterShown(page: Page, label: string, mark: number): Promise<FilterDone> {
  await page
    .waitForFunction(() => (window as unknown as FilterWatch).__filterDone !== null, undefined, {
      timeout: 60_000,
      polling: 100,
    })
    .catch(async (error: unknown) => {
      const shown = await page.evaluate(() =>
        [...document.querySelectorAll('[role=status], [role=alert]')].map((e) => e.textContent).join(' | '),
      );
      const calls = await page.evaluate(
        (m) =>
          (window as unknown as FilterWatch).__ipcStarts
            .slice(m)
            .filter((r) => r.url.endsWith('/ipc/audit.query'))
            .slice(-4)
            .map((r) => `${r.body} ${r.answeredAt === null ? 'unanswered' : `${(r.answeredAt - r.at).toFixed(0)} ms`}`)
            .join('; '),
        mark,
      );
      console.log(`  last audit.query calls: ${calls}`);
      throw new Error(`filter "${label}" showed no new result in 60 s (now: "${shown}")`, { cause: error });
    });
  const done = await page.evaluate(() => (window as unknown as FilterWatch).__filterDone);
  if (!done) throw new Error('filter watch lost its result');
  return done;
}

/** Applies one filter change and adds its times to `samples` under `label`. */
async function timeFilterChange(
  page: Page,
  held: HeldMirror,
  samples: Map<string, FilterSamples>,
  label: string,
  change: () => Promise<unknown>,
): Promise<void> {
  const mirrorMark = held.firstPageMs.length;
  const mark = await watchFilterChange(page);
  await change();
  const done = await filterShown(page, label, mark);
  const mirrorMs = held.firstPageMs.slice(mirrorMark).at(-1) ?? Number.NaN;
  const entry = samples.get(label) ?? { total: [], after: [], roundTrip: [], mirror: [], toShown: [] };
  entry.total.push(done.doneAt - done.startedAt);
  if (done.sentAt !== null && done.answeredAt !== null) {
    entry.after.push(done.doneAt - done.sentAt);
    entry.roundTrip.push(done.answeredAt - done.sentAt);
    entry.toShown.push(done.doneAt - done.answeredAt);
    entry.mirror.push(mirrorMs);
  }
  console.log(
    `  filter ${label}: ${ms(done.doneAt - done.startedAt)} ms, after the request ${done.sentAt === null ? '-' : ms(done.doneAt - done.sentAt)} ms, mirror ${ms(mirrorMs)} ms`,
  );
  samples.set(label, entry);
}

/** Every choice of the action list but "All actions" (describe.ts, ACTION_GROUPS). */
const ACTION_CHOICES = ACTION_GROUPS.map((g) => g.value).filter((value) => value !== '');

/** The audit screen again in a reloaded page, its first page shown: the page's query cache is empty. */
async function reopenAudit(page: Page): Promise<void> {
  await page.reload();
  await page.getByRole('button', { name: 'Audit' }).click();
  await page.getByText(/^[\d,]+ events$/).waitFor({ timeout: 60_000 });
}

/**
 * Each action choice, typed free text and clearing, in turn, each timed until its rows are shown;
 * FILTER_ROUNDS rounds, each in a reloaded page, every choice and text once per page.
 */
async function measureFilters(page: Page, held: HeldMirror): Promise<FilterStats[]> {
  const samples = new Map<string, FilterSamples>();
  const applyFilter = (label: string, change: () => Promise<unknown>) =>
    timeFilterChange(page, held, samples, label, change);
  const action = page.getByLabel('Action');
  const text = page.getByLabel('Text');
  for (let round = 0; round < FILTER_ROUNDS; round++) {
    if (round > 0) await reopenAudit(page);
    for (const [i, choice] of ACTION_CHOICES.entries()) {
      await applyFilter('action group', () => action.selectOption(choice));
      // Typed as an agent types, measured from the last keystroke.
      const sku = `SKU-${1000 + (round * ACTION_CHOICES.length + i) * 37}`;
      await text.pressSequentially(sku.slice(0, -1), { delay: TYPING_DELAY_MS });
      await applyFilter('free text (a SKU)', () => text.press(sku.slice(-1)));
      await applyFilter('clear filters (first page cached)', () =>
        page.getByRole('button', { name: 'Clear filters' }).click(),
      );
    }
  }
  return [...samples].map(([label, v]): FilterStats => ({
    label,
    total: stats(v.total),
    after: stats(v.after),
    roundTrip: stats(v.roundTrip),
    mirror: stats(v.mirror),
    toShown: stats(v.toShown),
  }));
}

async function measureAudit(browser: Browser): Promise<AuditResults> {
  // Kept between runs, like the mirror of it in MIRROR_DIR (a new copy would need a new mirror).
  const shop = await startShopProcess(await auditBenchDatabase('concierge_bench_audit', { fresh: false }));
  let tier: BrowserTier | null = null;
  // The audit port opens the mirror when the staff member signs in; the bench keeps hold of it.
  const held: HeldMirror = { mirror: null, firstPageMs: [] };
  try {
    tier = await startAuditTier(browser, shop.url, held);
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.addInitScript(RECORD_REQUESTS);
    await page.goto(tier.url);
    await signIn(page, 'supervisor@demo.test');
    const times = await settleMirror(page, tier, held);
    const status = await tier.core.audit.status();
    await page.getByText(/^[\d,]+ events$/).waitFor({ timeout: 60_000 });

    const jumps: number[] = [];
    for (let i = 0; i < JUMPS; i++) jumps.push(await jumpTo(page, ((i * 7919) % JUMPS) / JUMPS + 0.5 / JUMPS));
    const scroll = await continuousScroll(page);
    const filters = await measureFilters(page, held);
    await page.close();
    return {
      events: status.lastSeq,
      ...times,
      jumps: stats(jumps),
      frames: stats(scroll.intervals),
      blankFrames: scroll.blank,
      filters,
    };
  } finally {
    await tier?.close();
    await stopShopProcess(shop.child);
  }
}

/** The search's and the audit viewer's measuring; an audit failure is reported, not thrown. */
async function measureAll(browser: Browser) {
  const search = await measureSearch(browser);
  const { total, after, shop } = summarizeSearch(search.samples);
  console.log(
    `  search: keystroke → results p50 ${ms(total.p50)} ms p95 ${ms(total.p95)} ms; request → results p95 ${ms(after.p95)} ms (shop round trip p50 ${ms(shop.p50)} ms)`,
  );
  // The audit viewer's rows are another part's concern: a failure there must not lose the search numbers.
  let audit: AuditResults | null = null;
  let auditFailure = '';
  try {
    audit = await measureAudit(browser);
    console.log(
      `  audit: jump p95 ${ms(audit.jumps.p95)} ms, frame p95 ${ms(audit.frames.p95)} ms, ${audit.blankFrames}/${SCROLL_FRAMES} frames with a loading row`,
    );
  } catch (error) {
    auditFailure = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    console.log(`  audit viewer: failed: ${auditFailure}`);
  }
  return { search, audit, auditFailure };
}

export const consoleUiBench: BenchPart = {
  name: 'console-ui',
  description:
    'console UI in the browser tier: search keystroke → results (1 M customers), audit viewer scroll and filters (1 M local events)',
  async run() {
    const started = Date.now();
    const host = machine();
    console.log('  building the renderer…');
    execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'ignore' });
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      headless: true,
    });
    try {
      const measured = await measureAll(browser);
      const seconds = (Date.now() - started) / 1000;
      const measuredAt = new Date();
      await writeSection(
        'Console UI (browser tier)',
        renderConsoleUiSection({ ...measured, host, measuredAt, seconds }),
      );
    } finally {
      await browser.close();
    }
  },
};
