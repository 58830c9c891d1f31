import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from '@playwright/test';
import { mirrorKey } from '../main/core/audit-port';
import {
  freePort,
  freshBuild,
  launch,
  mirrorOpenMs,
  timeAuditFirstPage,
  withConsole,
  type StartupContext,
} from './startup-console';
import { memoryOf, waitForQuiet } from './startup-launcher';
import { typeSignIn, waitForMarks } from './startup-page';
import type { Memory, StartupResults } from './startup-report';
import {
  AUDIT_TIMEOUT_MS,
  FRESH_AUDIT_RUNS,
  MIRROR_REST_MS,
  PAINT_RUNS,
  PREPARE_TIMEOUT_MS,
  REUSED_AUDIT_RUNS,
  UPKEEP_QUIET_CPU,
  UPKEEP_QUIET_MS,
} from './startup-settings';

const AGENT = { email: 'agent@demo.test', id: 'stf_agent' };
const SUPERVISOR = { email: 'supervisor@demo.test', id: 'stf_supervisor' };

/** How many events the audit table says it holds. */
const shownEvents = (page: Page) =>
  page.getByRole('table', { name: 'Audit events' }).evaluate((table) => Number(table.getAttribute('aria-rowcount')));

const emailPainted = (page: Page) => waitForMarks(page, (m) => m.emailAt !== null, 120_000, 'the Email field');

/** Signs out, so the next start on this folder shows the sign-in form again. */
async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Email').waitFor({ timeout: 30_000 });
}

/** Row 1: launcher spawned → Email field painted, on the reused folder (one untimed start first). */
export async function measurePaint(ctx: StartupContext): Promise<StartupResults['paint']> {
  const runs: StartupResults['paint'] = [];
  for (let i = 0; i <= PAINT_RUNS; i++) {
    const launcher = await launch(ctx, ctx.reusedDir);
    const marks = await withConsole(ctx, launcher, false, emailPainted);
    const run = {
      addressMs: launcher.addressAt - launcher.spawnedAt,
      paintedMs: (marks.emailAt ?? 0) - launcher.spawnedAt,
    };
    console.log(
      `  ${i === 0 ? 'untimed start' : `run ${i}`}: address after ${run.addressMs} ms, sign-in painted after ${run.paintedMs.toFixed(0)} ms`,
    );
    if (i > 0) runs.push(run);
  }
  return runs;
}

/**
 * Row 2: a new data folder each run, with the demo shop the launcher starts in it (the agent has a
 * few dozen events there, a new agent's log); signed in → the first frame showing their events.
 */
export async function measureFreshAudit(ctx: StartupContext): Promise<StartupResults['fresh']> {
  const runs: StartupResults['fresh'] = [];
  for (let i = 1; i <= FRESH_AUDIT_RUNS; i++) {
    const base = await mkdtemp(join(tmpdir(), 'concierge-bench-startup-'));
    try {
      await freshBuild(ctx.root); // before the code is reserved: a build would outlast it
      const shopPort = await freePort();
      const shopUrl = `http://127.0.0.1:${String(shopPort)}`;
      const launcher = await launch(ctx, join(base, 'data'), shopPort);
      const run = await withConsole(ctx, launcher, true, async (page) => {
        await emailPainted(page);
        await typeSignIn(page, shopUrl, AGENT.email, await ctx.code(shopUrl, AGENT.email));
        const timed = await timeAuditFirstPage(ctx, page, null, AUDIT_TIMEOUT_MS, 'first-row');
        return {
          toSignedInMs: timed.signedInAt - launcher.spawnedAt,
          auditMs: timed.auditMs,
          firstRowMs: timed.firstRowMs,
          events: await shownEvents(page),
        };
      });
      console.log(
        `  run ${i}: signed in ${run.toSignedInMs.toFixed(0)} ms after the launcher started; own events shown after ${run.auditMs === null ? '(not shown)' : `${run.auditMs.toFixed(0)} ms`}`,
      );
      runs.push(run);
      if (run.auditMs === null) break;
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  }
  return runs;
}

/** Waits on the audit screen until the mirror holds the whole log (printing progress), then until its upkeep is done. */
async function syncWholeLog(
  ctx: StartupContext,
  page: Page,
  consolePid: number,
): Promise<{ syncSeconds: number; upkeepSeconds: number }> {
  const started = Date.now();
  const status = page.getByRole('status', { name: 'Sync status' });
  await status.waitFor({ timeout: PREPARE_TIMEOUT_MS });
  if ((await status.textContent())?.startsWith('Not synced') === true)
    await page.getByRole('button', { name: 'Sync now' }).click();
  let printed = 0;
  for (;;) {
    const text = (await status.textContent()) ?? '';
    const head = Number((await ctx.db.query<{ n: string }>('SELECT max(seq) AS n FROM audit_events')).rows[0]?.n ?? 0);
    const synced = /^Synced ([\d,]+)/.exec(text);
    if (synced && Number(synced[1]?.replace(/,/g, '')) >= head) break;
    if (Date.now() - printed > 30_000) {
      console.log(`  preparing the reused mirror: ${text} (shop head ${head.toLocaleString('en-US')})`);
      printed = Date.now();
    }
    if (Date.now() - started > PREPARE_TIMEOUT_MS)
      throw new Error(`the mirror did not sync the whole log in ${PREPARE_TIMEOUT_MS / 60_000} min (now: "${text}")`);
    await sleep(1000);
  }
  const syncSeconds = (Date.now() - started) / 1000;
  console.log(`  mirror in sync after ${syncSeconds.toFixed(0)} s; waiting for its upkeep…`);
  const upkeepSeconds = await waitForQuiet(consolePid, UPKEEP_QUIET_CPU, UPKEEP_QUIET_MS, PREPARE_TIMEOUT_MS);
  console.log(`  upkeep done ${upkeepSeconds.toFixed(0)} s later (the console quiet for ${UPKEEP_QUIET_MS / 1000} s)`);
  return { syncSeconds, upkeepSeconds };
}

/** Row 3's preparation: the supervisor's mirror in the reused folder holds the whole log. Null when it existed already. */
export async function prepareReusedMirror(ctx: StartupContext): Promise<StartupResults['prepared']> {
  const existed = existsSync(join(ctx.reusedDir, 'console', 'audit', mirrorKey(ctx.shopUrl, SUPERVISOR.id)));
  await freshBuild(ctx.root);
  const code = await ctx.code(ctx.shopUrl, SUPERVISOR.email);
  const launcher = await launch(ctx, ctx.reusedDir);
  const prepared = await withConsole(ctx, launcher, true, async (page) => {
    await emailPainted(page);
    await typeSignIn(page, ctx.shopUrl, SUPERVISOR.email, code);
    await waitForMarks(page, (m) => m.auditClickedAt !== null, 120_000, 'signed in with the Audit button');
    const times = await syncWholeLog(ctx, page, launcher.consolePid);
    await signOut(page);
    return times;
  });
  return existed ? null : prepared;
}

/** Rows 3, 4 and 5(b): the supervisor on the reused mirror, restarted each run. */
export async function measureReusedAudit(
  ctx: StartupContext,
): Promise<{ runs: StartupResults['reused']; memory: Memory | null }> {
  const runs: StartupResults['reused'] = [];
  let memory: Memory | null = null;
  for (let i = 1; i <= REUSED_AUDIT_RUNS; i++) {
    await freshBuild(ctx.root);
    const code = await ctx.code(ctx.shopUrl, SUPERVISOR.email);
    const launcher = await launch(ctx, ctx.reusedDir);
    const run = await withConsole(ctx, launcher, true, async (page) => {
      await emailPainted(page);
      await typeSignIn(page, ctx.shopUrl, SUPERVISOR.email, code);
      const timed = await timeAuditFirstPage(ctx, page, null, AUDIT_TIMEOUT_MS);
      await sleep(MIRROR_REST_MS);
      const now = await memoryOf(launcher.consolePid);
      await signOut(page);
      return { auditMs: timed.auditMs, firstRowMs: timed.firstRowMs, memory: now };
    });
    const openMs = await mirrorOpenMs(ctx.reusedDir, launcher.consolePid);
    console.log(
      `  run ${i}: first page after ${run.auditMs === null ? '(not shown)' : `${run.auditMs.toFixed(0)} ms`}; mirror openMs ${openMs === null ? 'absent from the console log' : openMs.toFixed(0)}; VmRSS ${run.memory.rssMb.toFixed(0)} MB (peak ${run.memory.hwmMb.toFixed(0)} MB)`,
    );
    runs.push({ auditMs: run.auditMs, firstRowMs: run.firstRowMs, openMs });
    if (!memory || run.memory.rssMb > memory.rssMb) memory = run.memory;
  }
  return { runs, memory };
}
