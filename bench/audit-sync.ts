/**
 * The console's audit mirror at one million events: a full sync from the real shop's
 * GET /audit/events over loopback into a fresh mirror (events/s), an incremental sync of 1,000
 * new events, viewer filter queries over the million, the main thread's event-loop delay
 * while the full sync runs, and a re-verification pass over the stored events (audit-reverify.ts).
 *
 * The shop runs as the shop CLI in its own process on PostgreSQL (BENCH_DATABASE_URL's server,
 * or the local one .ci/start-postgres.sh starts), database `concierge_bench_audit_run`: a fresh
 * copy, each run, of the million events generated once (audit-data.ts).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditCheckpointPage, AuditPage } from '../shared/api/audit';
import { TokenResponse } from '../shared/api/auth';
import { signCheckpoint, signingKeyPair } from '../shared/audit/checkpoint';
import type { AuditFilter } from '../shared/ipc/contract';
import { createAuditMirror, type AuditMirror, type AuditMirrorOptions } from '../main/core/audit-mirror';
import { appendAudit } from '../shop/audit/append';
import { openPostgres } from '../shop/db/database';
import { systemClock } from '../shop/lib/clock';
import { DEMO_STAFF } from '../shop/seed/staff';
import { signIn } from '../shop/test/auth-helpers';
import { auditBenchDatabase, BASE_TIME, CUSTOMERS, EVENTS, pick, STEP_MS } from './audit-data';
import { measureReverify } from './audit-reverify';
import { percentile, renderAuditSyncSection, type AuditSyncResults } from './audit-sync-report';
import { DATABASE, INCREMENT, INCREMENTAL_RUNS, QUERY_RUNS } from './audit-sync-settings';
import { machine, ms } from './load';
import { writeSection } from './report';
import type { BenchPart } from './run';
import { startShopProcess, stopShopProcess } from './shop-process';

const CATCH_UP_TEXT_RUNS = 5;

/** New events through the shop's own append path, as real activity would add them. */
async function appendRealEvents(databaseUrl: string, count: number): Promise<void> {
  const db = await openPostgres(databaseUrl, { max: 1 });
  try {
    await db.transaction(async (tx) => {
      for (let i = 0; i < count; i += 1) {
        await appendAudit(tx, systemClock, {
          action: 'session.page_view',
          actor: { type: 'staff', id: 'stf_agent', name: 'Alex Agent' },
          customerId: `cus_${(i % CUSTOMERS).toString().padStart(6, '0')}`,
          sessionId: 'ses_benchlive',
          ip: '127.0.0.1',
          userAgent: 'bench',
          details: { path: `/store/us/products/p-${i}`, status: 200 },
        });
      }
    });
  } finally {
    await db.close();
  }
}

/** CPU seconds a process has used (Linux /proc; user + system). */
async function processCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const ownCpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

/** The viewer's typical questions, each asked QUERY_RUNS times with different values. */
function filterKinds(total: number): { label: string; make: (run: number) => AuditFilter }[] {
  const at = (seq: number) => new Date(BASE_TIME + seq * STEP_MS).toISOString();
  const spread = (run: number) => Math.floor(((run + 1) * total) / (QUERY_RUNS + 1));
  return [
    { label: 'staff', make: (run) => ({ staffId: pick(DEMO_STAFF, run).id }) },
    {
      label: 'customer',
      make: (run) => ({ customerId: `cus_${((run * 4099) % CUSTOMERS).toString().padStart(6, '0')}` }),
    },
    {
      label: 'session',
      make: (run) => ({
        sessionId: `ses_${Math.floor(spread(run) / 40)
          .toString(36)
          .padStart(8, '0')}`,
      }),
    },
    {
      label: 'action (exact)',
      make: (run) => ({ action: pick(['session.start', 'staff.sign_in', 'settings.changed', 'session.end'], run) }),
    },
    { label: 'action group', make: (run) => ({ action: pick(['session.', 'staff.', 'customer.', 'settings.'], run) }) },
    { label: 'time range (1 h)', make: (run) => ({ from: at(spread(run)), to: at(spread(run) + 1800) }) },
    { label: 'text, rare (order number)', make: (run) => ({ text: `O-${10_000_000 + ((run * 37_813) % 900_000)}` }) },
    { label: 'text, a SKU (as the viewer bench types)', make: (run) => ({ text: `SKU-${1000 + run * 37}` }) },
    { label: 'text, common (staff name)', make: (run) => ({ text: pick(DEMO_STAFF, run).name.toLowerCase() }) },
    {
      label: 'staff + action group + time',
      make: (run) => ({
        staffId: pick(DEMO_STAFF, run).id,
        action: 'session.',
        from: at(spread(run)),
        to: at(spread(run) + 43_200),
      }),
    },
  ];
}

/** The mirror's source: the shop's API with an admin's tokens, refreshed when the shop says they expired. */
async function adminSource(shopUrl: string): Promise<AuditMirrorOptions['source']> {
  let tokens = await signIn(shopUrl, 'admin@demo.test');
  return {
    shopUrl,
    tokens: {
      accessToken: () => tokens.accessToken,
      refreshAccessToken: async () => {
        const response = await fetch(`${shopUrl}/api/v1/auth/refresh`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken: tokens.refreshToken }),
        });
        if (!response.ok) return false;
        tokens = TokenResponse.parse(await response.json());
        return true;
      },
    },
    timeoutMs: 60_000,
  };
}

/**
 * Waits until the shop has signed its log's checkpoints: the generated log predates them, so the
 * shop back-fills one per 1,000 events once, at its first start (200 per pass). A shop that has
 * always signed has them already; the sync is measured against that steady state.
 */
async function checkpointsBackfilled(source: AuditMirrorOptions['source']): Promise<number> {
  const started = performance.now();
  const get = async (path: string): Promise<unknown> => {
    const headers = { authorization: `Bearer ${source.tokens.accessToken() ?? ''}` };
    return (await fetch(`${source.shopUrl}/api/v1/${path}`, { headers })).json();
  };
  const head = AuditPage.parse(await get('audit/events?after=0&limit=1')).head.seq;
  const signedMultiples = async () => {
    let count = 0;
    for (let after = 0; ;) {
      const page = AuditCheckpointPage.parse(await get(`audit/checkpoints?after=${String(after)}&limit=1000`));
      count += page.items.filter((c) => c.seq % 1000 === 0).length;
      if (page.items.length < 1000) return count;
      after = page.nextAfter;
    }
  };
  while ((await signedMultiples()) < Math.floor(head / 1000)) await sleep(250);
  const backfillMs = performance.now() - started;
  console.log(`  the shop back-filled its checkpoints in ${(backfillMs / 1000).toFixed(1)} s`);
  return backfillMs;
}

type FullSync = Pick<
  AuditSyncResults,
  'total' | 'fullSyncMs' | 'loopDelayMaxMs' | 'loopDelayP99Ms' | 'cpu' | 'loadDuringSync'
>;

/** The full sync into the empty mirror, with the main thread's event-loop delay and the CPU it took. */
async function fullSync(mirror: AuditMirror, shopPid: number | undefined, started: number): Promise<FullSync> {
  let lastLog = 0;
  mirror.onStatus((s) => {
    if (s.lastSeq - lastLog >= 100_000) {
      lastLog = s.lastSeq;
      console.log(
        `  synced ${s.lastSeq.toLocaleString('en-US')} / ${s.headSeq.toLocaleString('en-US')} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
      );
    }
  });
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const cpuBefore = {
    console: ownCpuSeconds(),
    shop: shopPid ? await processCpuSeconds(shopPid).catch(() => Number.NaN) : Number.NaN,
  };
  const syncStart = performance.now();
  const full = await mirror.sync();
  const fullSyncMs = performance.now() - syncStart;
  loop.disable();
  const loadDuringSync = loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
  const shopCpuAfter = shopPid ? await processCpuSeconds(shopPid).catch(() => Number.NaN) : Number.NaN;
  const cpu = Number.isNaN(shopCpuAfter)
    ? null
    : { console: ownCpuSeconds() - cpuBefore.console, shop: shopCpuAfter - cpuBefore.shop };
  if (full.state !== 'idle') throw new Error(`full sync failed: ${full.message ?? full.state}`);
  console.log(
    `  full sync: ${full.synced.toLocaleString('en-US')} events in ${(fullSyncMs / 1000).toFixed(1)} s; loop delay max ${ms(loop.max / 1e6)} ms`,
  );
  return {
    total: full.synced,
    fullSyncMs,
    loopDelayMaxMs: loop.max / 1e6,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    cpu,
    loadDuringSync,
  };
}

type CatchUp = Pick<AuditSyncResults, 'firstQueryMs' | 'catchUpText' | 'maintainedMs' | 'searchIndexMs'>;

/**
 * Right after the sync: the worker rebuilds the filter indexes, refreshes statistics and fills the
 * text index in the background; queries must not wait for all of that.
 */
async function catchUp(mirror: AuditMirror): Promise<CatchUp> {
  const afterSync = performance.now();
  const firstFilter: AuditFilter = { staffId: pick(DEMO_STAFF, 1).id, action: 'session.' };
  let clock = performance.now();
  const firstPage = await mirror.query(firstFilter, 0, 50);
  const firstQueryMs = performance.now() - clock;
  console.log(`  first filtered query after the sync: ${ms(firstQueryMs)} ms (${firstPage.total} matches)`);
  const catchUpText: number[] = [];
  for (let i = 0; i < CATCH_UP_TEXT_RUNS; i += 1) {
    clock = performance.now();
    await mirror.query({ text: `SKU-${1000 + i * 37}` }, 0, 50);
    catchUpText.push(performance.now() - clock);
  }
  console.log(`  free text while the indexes catch up: ${catchUpText.map((v) => ms(v)).join(', ')} ms`);
  await mirror.maintained();
  const maintainedMs = performance.now() - afterSync;
  console.log(`  filter indexes and statistics ready ${(maintainedMs / 1000).toFixed(1)} s after the sync`);
  await mirror.searchReady();
  const searchIndexMs = performance.now() - afterSync;
  console.log(`  text index caught up ${(searchIndexMs / 1000).toFixed(1)} s after the sync`);
  return { firstQueryMs, catchUpText, maintainedMs, searchIndexMs };
}

/** INCREMENTAL_RUNS syncs of INCREMENT new events each, in milliseconds. */
async function incrementalSyncs(
  mirror: AuditMirror,
  databaseUrl: string,
): Promise<{ incrementalMs: number[]; appendMs: number[] }> {
  const incrementalMs: number[] = [];
  const appendMs: number[] = [];
  for (let run = 0; run < INCREMENTAL_RUNS; run += 1) {
    const appending = performance.now();
    await appendRealEvents(databaseUrl, INCREMENT);
    appendMs.push(performance.now() - appending);
    const t = performance.now();
    const status = await mirror.sync();
    incrementalMs.push(performance.now() - t);
    if (status.state !== 'idle' || status.lastSeq !== status.headSeq)
      throw new Error(`incremental sync failed: ${status.message ?? status.state}`);
    await mirror.searchReady();
  }
  console.log(`  incremental syncs of ${INCREMENT}: ${incrementalMs.map((v) => ms(v)).join(', ')} ms`);
  console.log(`  appending ${INCREMENT} events: ${appendMs.map((v) => ms(v)).join(', ')} ms`);
  return { incrementalMs, appendMs };
}

/** One checkpoint signature as the shop's checkpointer makes it (median of 200). */
function signatureMs(): number {
  const key = signingKeyPair();
  const times: number[] = [];
  for (let i = 0; i < 200; i += 1) {
    const t = performance.now();
    signCheckpoint({ seq: (i + 1) * 1000, hash: 'a'.repeat(64), at: new Date().toISOString() }, key);
    times.push(performance.now() - t);
  }
  const median = percentile(times, 0.5);
  console.log(`  one checkpoint signature: ${ms(median)} ms (median of 200)`);
  return median;
}

/** The page cache warm-up that follows the upkeep, as a viewer a little later finds it; in milliseconds. */
async function warmUp(mirror: AuditMirror): Promise<number> {
  const warming = performance.now();
  await mirror.warmed();
  const warmMs = performance.now() - warming;
  console.log(`  page cache warm ${(warmMs / 1000).toFixed(1)} s later`);
  return warmMs;
}

/** Each of the viewer's typical questions, QUERY_RUNS times: first page and capped total. */
async function filterQueries(mirror: AuditMirror, total: number): Promise<AuditSyncResults['queries']> {
  const queries: AuditSyncResults['queries'] = [];
  for (const kind of filterKinds(total)) {
    const times: number[] = [];
    const totals: number[] = [];
    for (let run = 0; run < QUERY_RUNS; run += 1) {
      const t = performance.now();
      const page = await mirror.query(kind.make(run), 0, 50);
      times.push(performance.now() - t);
      totals.push(page.total);
    }
    queries.push({
      label: kind.label,
      p50: percentile(times, 0.5),
      p95: percentile(times, 0.95),
      max: Math.max(...times),
      totals,
    });
    console.log(
      `  query ${kind.label.padEnd(28)} p50 ${ms(percentile(times, 0.5))} ms  p95 ${ms(percentile(times, 0.95))} ms`,
    );
  }
  return queries;
}

async function measure(databaseUrl: string): Promise<AuditSyncResults> {
  const shop = await startShopProcess(databaseUrl);
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-audit-mirror-'));
  try {
    const source = await adminSource(shop.url);
    await checkpointsBackfilled(source);
    const started = performance.now();
    const mirror = createAuditMirror({ dataDir, source });
    await mirror.status();
    const workerStartMs = performance.now() - started;
    try {
      const full = await fullSync(mirror, shop.child.pid, started);
      const { signing } = await mirror.status();
      const checkpoints = { state: signing.state, verified: signing.checkpoints, compared: signing.compared };
      console.log(`  checkpoints after the full sync: ${JSON.stringify(checkpoints)}`);
      const caughtUp = await catchUp(mirror);
      const { incrementalMs, appendMs } = await incrementalSyncs(mirror, databaseUrl);
      const warmMs = await warmUp(mirror);
      const status = await mirror.status();
      const queries = await filterQueries(mirror, status.synced);
      const reverify = await measureReverify(mirror);
      const verification = status.verification.ok
        ? `ok, ${status.verification.checked.toLocaleString('en-US')} events checked`
        : `FAILED at seq ${status.verification.badSeq}`;
      return {
        ...full,
        workerStartMs,
        ...caughtUp,
        incrementalMs,
        queries,
        verification,
        warmMs,
        reverify,
        checkpoints,
        signatureMs: signatureMs(),
        appendMs,
      };
    } finally {
      await mirror.close();
    }
  } finally {
    await stopShopProcess(shop.child);
    await rm(dataDir, { recursive: true, force: true });
  }
}

export const auditSyncBench: BenchPart = {
  name: 'audit-sync',
  description: `audit mirror: full sync of ${EVENTS.toLocaleString('en-US')} events, incremental sync, filter queries, main-thread delay`,
  run: async () => {
    const started = Date.now();
    const host = machine();
    const databaseUrl = await auditBenchDatabase(DATABASE, { fresh: true });
    console.log(`  database ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}`);
    const results = await measure(databaseUrl);
    const seconds = (Date.now() - started) / 1000;
    const measuredAt = new Date();
    await writeSection('Audit mirror', renderAuditSyncSection({ results, host, measuredAt, seconds }));
    console.log('  wrote the "Audit mirror" section of docs/PERFORMANCE.md');
  },
};
