import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import pg from 'pg';
import { staleBuild } from '../main/core/build-freshness';
import { startLauncher, type LaunchSpec, type RunningLauncher } from './startup-launcher';
import { pageMarks, pageWatcher, waitForMarks, type PageMarks } from './startup-page';
import { freePort } from '../main/test/free-port';

/** What every startup measurement shares: the checkout that runs, the browser, the shop and its database. */
export interface StartupContext {
  /** The checkout whose launcher, build and renderer run (BENCH_STARTUP_ROOT, else this one). */
  root: string;
  browser: Browser;
  /** The 1M-event shop on its fixed port. */
  shopUrl: string;
  /** Its database, for the newest events at sign-in. */
  db: pg.Client;
  /** The data folder reused between runs (rows 1, 3, 4). */
  reusedDir: string;
  /** HOME for the launcher, as a person's own. */
  home: string;
  /** A valid authenticator code for this shop and staff member (see totpCodes). */
  code: (shopUrl: string, email: string) => Promise<string>;
}

export { freePort };

/** Builds the console in `root` when its sources are newer than out/ (the launcher would otherwise build inside a timed run). */
export async function freshBuild(root: string): Promise<void> {
  const stale = await staleBuild(root);
  if (!stale) return;
  console.log(`  building the console in ${root} (${stale})…`);
  execFileSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'ignore' });
}

/** A launcher on `dataDir` using the 1M-event shop, or with `demoShopPort` its own demo shop on that port. */
export async function launch(ctx: StartupContext, dataDir: string, demoShopPort?: number): Promise<RunningLauncher> {
  // Others may edit the sources meanwhile: checked before every start, outside the timing.
  await freshBuild(ctx.root);
  const spec: LaunchSpec = {
    root: ctx.root,
    dataDir,
    port: await freePort(),
    shopUrl: demoShopPort === undefined ? ctx.shopUrl : null,
    shopPort: demoShopPort ?? 4310,
    home: ctx.home,
  };
  // A first demo shop seeds its customers before the console starts.
  return startLauncher(spec, demoShopPort === undefined ? 180_000 : 600_000);
}

/** The console's address in a new browser context of the running Chromium, watched frame by frame. */
export async function openConsole(
  browser: Browser,
  url: string,
  clickAudit: boolean,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  await page.addInitScript(pageWatcher(clickAudit));
  await page.goto(url);
  return { context, page };
}

/** Runs `body` with a launcher and its console page, stopping both whatever happens. */
export async function withConsole<T>(
  ctx: StartupContext,
  launcher: RunningLauncher,
  clickAudit: boolean,
  body: (page: Page) => Promise<T>,
): Promise<T> {
  let context: BrowserContext | null = null;
  try {
    const opened = await openConsole(ctx.browser, launcher.consoleUrl, clickAudit);
    context = opened.context;
    return await body(opened.page);
  } finally {
    await context?.close();
    await launcher.stop();
  }
}

/** The newest event `staffId` is the actor of (or of the whole log, for null) at `at` (ms), as the shop stores it. */
export async function newestAt(db: pg.Client, at: number, staffId: string | null): Promise<number> {
  const result = await db.query<{ seq: string | null }>(
    staffId === null
      ? 'SELECT max(seq) AS seq FROM audit_events WHERE at <= to_timestamp($1 / 1000.0)'
      : `SELECT max(seq) AS seq FROM audit_events WHERE at <= to_timestamp($1 / 1000.0) AND actor_type = 'staff' AND actor_id = $2`,
    staffId === null ? [at] : [at, staffId],
  );
  const seq = Number(result.rows[0]?.seq ?? 0);
  if (seq === 0) throw new Error(`no audit event${staffId ? ` of ${staffId}` : ''} before sign-in`);
  return seq;
}

/**
 * From the frame that first showed "Sign out" (the page clicked "Audit" in it) to the first frame
 * whose top row is the newest event at sign-in (or a later one); null when not shown in time.
 */
export async function timeAuditFirstPage(
  ctx: StartupContext,
  page: Page,
  staffId: string | null,
  timeoutMs: number,
  /** newest: the shop's newest event at sign-in (read from PostgreSQL); first-row: any event (a shop the bench cannot read). */
  until: 'newest' | 'first-row' = 'newest',
): Promise<{ signedInAt: number; auditMs: number | null; firstRowMs: number | null; target: number }> {
  const signed = await waitForMarks(page, (m) => m.signedInAt !== null, 120_000, '"Sign out" after signing in');
  const signedInAt = signed.signedInAt ?? 0;
  if (signed.auditClickedAt === null) throw new Error('the page found no "Audit" button when signed in');
  const target = until === 'newest' ? await newestAt(ctx.db, signedInAt, staffId) : 1;
  const shows = (m: PageMarks) => m.tops.find((t) => t.seq >= target);
  // The first row of any event, too: whether the viewer showed something older before the newest.
  const firstRow = (m: PageMarks) => (m.tops[0] ? m.tops[0].at - signedInAt : null);
  try {
    const marks = await waitForMarks(page, (m) => shows(m) !== undefined, timeoutMs, `audit event ${target}`);
    return { signedInAt, auditMs: (shows(marks)?.at ?? Number.NaN) - signedInAt, firstRowMs: firstRow(marks), target };
  } catch (error) {
    console.log(`  ${error instanceof Error ? error.message : String(error)}`);
    return { signedInAt, auditMs: null, firstRowMs: firstRow(await pageMarks(page)), target };
  }
}

/** `openMs` of the "audit mirror opened" entry the console process `pid` wrote (null: no such field). */
export async function mirrorOpenMs(dataDir: string, pid: number): Promise<number | null> {
  const text = await readFile(join(dataDir, 'logs', 'console.log'), 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    if (!line.includes('audit mirror opened')) continue;
    const entry = JSON.parse(line) as { pid?: number; module?: string; msg?: string; openMs?: unknown };
    if (entry.pid === pid && entry.module === 'audit-mirror' && entry.msg === 'audit mirror opened')
      return typeof entry.openMs === 'number' ? entry.openMs : null;
  }
  return null;
}
