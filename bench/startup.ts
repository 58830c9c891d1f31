/**
 * Startup of the browser-tier console as a person meets it: the real launcher (scripts/start.ts)
 * with the built renderer in headless Chromium, the shop CLI on the audit benchmark's 1,000,000
 * events. Rows: launcher → sign-in painted; sign-in → own audit events on a fresh install; the
 * first audit page on a reused 1M-event mirror; the mirror's open time from the console's log;
 * the console process's memory. See bench/templates/startup.md for what each row measures.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import pg from 'pg';
import { CHROMIUM_ARGS } from '../main/browser-tier/view-host-playwright';
import { auditBenchDatabase } from './audit-data';
import { machine } from './load';
import { writeSection } from './report';
import type { BenchPart } from './run';
import { startShopProcess, stopShopProcess } from './shop-process';
import { freshBuild, type StartupContext } from './startup-console';
import { appendHistory, commitOf, previousRelease, readHistory } from './startup-history';
import { measureSessionsMemory } from './startup-memory';
import { renderStartupSection, rowValues, type StartupResults } from './startup-report';
import { measureFreshAudit, measurePaint, measureReusedAudit, prepareReusedMirror } from './startup-runs';
import { totpCodes } from './startup-page';
import { AUDIT_DATABASE, SHOP_PORT } from './startup-settings';
import { createHash } from 'node:crypto';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** BENCH_STARTUP_ROOT: another checkout's launcher, build and renderer (the bench and its output stay here). */
function productRoot(): { root: string; other: string | null } {
  const other = process.env.BENCH_STARTUP_ROOT;
  return other ? { root: resolve(other), other: resolve(other) } : { root: ROOT, other: null };
}

/** The reused data folder; another checkout gets its own (its mirror's format may differ). */
function reusedDir(other: string | null): string {
  const name = other ? `reused-${createHash('sha256').update(other).digest('hex').slice(0, 12)}` : 'reused';
  return fileURLToPath(new URL(`../.tmp/bench-startup/${name}`, import.meta.url));
}

/** Runs one step; a failure is noted in the report (and printed) rather than losing the other rows. */
async function step<T>(failures: string[], name: string, body: () => Promise<T>): Promise<T | null> {
  console.log(`  ${name}…`);
  try {
    return await body();
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    console.log(`  ${name} failed: ${message}`);
    failures.push(`${name}: ${message}`);
    return null;
  }
}

async function measureAll(ctx: StartupContext, auditEvents: number): Promise<StartupResults> {
  const failures: string[] = [];
  const paint = await step(failures, 'launcher → sign-in painted', () => measurePaint(ctx));
  const fresh = await step(failures, 'fresh install: sign-in → own audit events', () => measureFreshAudit(ctx));
  const prepared = await step(failures, 'preparing the reused 1M-event mirror', () => prepareReusedMirror(ctx));
  const reused = await step(failures, 'reused mirror: sign-in → first audit page', () => measureReusedAudit(ctx));
  const sessions = await step(failures, 'memory: agent idle and with storefront sessions', () =>
    measureSessionsMemory(ctx),
  );
  return {
    auditEvents,
    paint: paint ?? [],
    fresh: fresh ?? [],
    agentEvents: Math.max(0, ...(fresh ?? []).map((run) => run.events)),
    prepared,
    reused: reused?.runs ?? [],
    memory: { idle: sessions?.idle ?? null, mirror: reused?.memory ?? null, sessions: sessions?.sessions ?? null },
    failures,
  };
}

async function withShop(browser: Browser, root: string, other: string | null) {
  const databaseUrl = await auditBenchDatabase(AUDIT_DATABASE, { fresh: false });
  const shop = await startShopProcess(databaseUrl, SHOP_PORT);
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const dir = reusedDir(other);
    const home = fileURLToPath(new URL('../.tmp/bench-startup/home', import.meta.url));
    await mkdir(home, { recursive: true });
    const head = Number((await db.query<{ n: string }>('SELECT max(seq) AS n FROM audit_events')).rows[0]?.n ?? 0);
    const ctx: StartupContext = { root, browser, shopUrl: shop.url, db, reusedDir: dir, home, code: totpCodes() };
    return await measureAll(ctx, head);
  } finally {
    await db.end();
    await stopShopProcess(shop.child);
  }
}

export const startupBench: BenchPart = {
  name: 'startup',
  description:
    'browser tier from the first second: launcher → sign-in, first audit page (fresh install, reused 1M-event mirror), mirror open, console memory',
  async run() {
    const started = Date.now();
    const host = machine();
    const { root, other } = productRoot();
    await freshBuild(root);
    const commit = commitOf(root);
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      headless: true,
    });
    let results: StartupResults;
    try {
      results = await withShop(browser, root, other);
    } finally {
      await browser.close();
    }
    const measuredAt = new Date();
    const previous = previousRelease(await readHistory(), commit);
    await appendHistory({ commit, measuredAt: measuredAt.toISOString(), rows: rowValues(results) });
    const seconds = (Date.now() - started) / 1000;
    await writeSection(
      'Startup (browser tier)',
      renderStartupSection({ results, commit, previous, otherRoot: other, host, measuredAt, seconds }),
    );
  },
};
