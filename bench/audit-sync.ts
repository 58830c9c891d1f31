/**
 * The console's audit mirror at one million events: a full sync from the real shop's
 * GET /audit/events over loopback into a fresh mirror (events/s), an incremental sync of 1,000
 * new events, viewer filter queries over the million, and the main thread's event-loop delay
 * while the full sync runs.
 *
 * The shop runs as the shop CLI in its own process on PostgreSQL (BENCH_DATABASE_URL's server,
 * or the local one .ci/start-postgres.sh starts), database `concierge_bench_audit_run`: a fresh
 * copy, each run, of the million events generated once (audit-data.ts).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { TokenResponse } from '../shared/api/auth';
import type { AuditFilter } from '../shared/ipc/contract';
import { createAuditMirror } from '../main/core/audit-mirror';
import { appendAudit } from '../shop/audit/append';
import { openPostgres } from '../shop/db/database';
import { systemClock } from '../shop/lib/clock';
import { DEMO_STAFF } from '../shop/seed/staff';
import { signIn } from '../shop/test/auth-helpers';
import { auditBenchDatabase, BASE_TIME, CUSTOMERS, EVENTS, pick, STEP_MS } from './audit-data';
import { machine, ms } from './load';
import { writeSection } from './report';
import type { BenchPart } from './run';
import { startShopProcess, stopShopProcess } from './shop-process';

/** A fresh copy of the generated base for every run (see audit-data.ts). */
const DATABASE = 'concierge_bench_audit_run';
const INCREMENT = 1_000;
const INCREMENTAL_RUNS = 5;
const QUERY_RUNS = 20;
const CATCH_UP_TEXT_RUNS = 5;
const TARGET = { eventsPerSecond: 20_000, incrementalMs: 300, queryP95Ms: 50, loopDelayMaxMs: 50 };

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

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

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

interface Results {
  total: number;
  fullSyncMs: number;
  workerStartMs: number;
  searchIndexMs: number;
  firstQueryMs: number;
  catchUpText: number[];
  maintainedMs: number;
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  cpu: { console: number; shop: number } | null;
  loadDuringSync: string;
  incrementalMs: number[];
  queries: { label: string; p50: number; p95: number; max: number; totals: number[] }[];
  verification: string;
  warmMs: number;
}

async function measure(databaseUrl: string): Promise<Results> {
  const shop = await startShopProcess(databaseUrl);
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-audit-mirror-'));
  try {
    let tokens = await signIn(shop.url, 'admin@demo.test');
    const source = {
      shopUrl: shop.url,
      tokens: {
        accessToken: () => tokens.accessToken,
        refreshAccessToken: async () => {
          const response = await fetch(`${shop.url}/api/v1/auth/refresh`, {
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
    const started = performance.now();
    const mirror = createAuditMirror({ dataDir, source });
    await mirror.status();
    const workerStartMs = performance.now() - started;
    try {
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
        shop: shop.child.pid ? await processCpuSeconds(shop.child.pid).catch(() => Number.NaN) : Number.NaN,
      };
      const syncStart = performance.now();
      const full = await mirror.sync();
      const fullSyncMs = performance.now() - syncStart;
      loop.disable();
      const loadDuringSync = loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ');
      const shopCpuAfter = shop.child.pid
        ? await processCpuSeconds(shop.child.pid).catch(() => Number.NaN)
        : Number.NaN;
      const cpu = Number.isNaN(shopCpuAfter)
        ? null
        : { console: ownCpuSeconds() - cpuBefore.console, shop: shopCpuAfter - cpuBefore.shop };
      if (full.state !== 'idle') throw new Error(`full sync failed: ${full.message ?? full.state}`);
      console.log(
        `  full sync: ${full.synced.toLocaleString('en-US')} events in ${(fullSyncMs / 1000).toFixed(1)} s; loop delay max ${ms(loop.max / 1e6)} ms`,
      );

      // Right after the sync: the worker rebuilds the filter indexes, refreshes statistics and
      // fills the text index in the background; queries must not wait for all of that.
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

      const incrementalMs: number[] = [];
      for (let run = 0; run < INCREMENTAL_RUNS; run += 1) {
        await appendRealEvents(databaseUrl, INCREMENT);
        const t = performance.now();
        const status = await mirror.sync();
        incrementalMs.push(performance.now() - t);
        if (status.state !== 'idle' || status.lastSeq !== status.headSeq)
          throw new Error(`incremental sync failed: ${status.message ?? status.state}`);
        await mirror.searchReady();
      }
      console.log(`  incremental syncs of ${INCREMENT}: ${incrementalMs.map((v) => ms(v)).join(', ')} ms`);

      // The page cache warm-up that follows the upkeep, as a viewer a little later finds it.
      const warming = performance.now();
      await mirror.warmed();
      const warmMs = performance.now() - warming;
      console.log(`  page cache warm ${(warmMs / 1000).toFixed(1)} s later`);

      const status = await mirror.status();
      const queries: Results['queries'] = [];
      for (const kind of filterKinds(status.synced)) {
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
      const verification = status.verification.ok
        ? `ok, ${status.verification.checked.toLocaleString('en-US')} events checked`
        : `FAILED at seq ${status.verification.badSeq}`;
      return {
        total: full.synced,
        fullSyncMs,
        workerStartMs,
        searchIndexMs,
        firstQueryMs,
        catchUpText,
        maintainedMs,
        loopDelayMaxMs: loop.max / 1e6,
        loopDelayP99Ms: loop.percentile(99) / 1e6,
        cpu,
        loadDuringSync,
        incrementalMs,
        queries,
        verification,
        warmMs,
      };
    } finally {
      await mirror.close();
    }
  } finally {
    await stopShopProcess(shop.child);
    await rm(dataDir, { recursive: true, force: true });
  }
}

const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

function report(r: Results, host: string, seconds: number): string {
  const rate = r.total / (r.fullSyncMs / 1000);
  const incremental = percentile(r.incrementalMs, 0.5);
  const allTimes = r.queries.map((q) => q.p95);
  const worstP95 = Math.max(...allTimes);
  const rows = r.queries.map(
    (q) =>
      `| ${q.label} | ${ms(q.p50)} | ${ms(q.p95)} | ${ms(q.max)} | ${Math.min(...q.totals).toLocaleString('en-US')}–${Math.max(...q.totals).toLocaleString('en-US')} |`,
  );
  return `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench -- audit-sync\` (${seconds.toFixed(0)} s).

- Machine: ${host}
- Shop: the shop CLI in its own process on PostgreSQL (database \`${DATABASE}\`), ${r.total.toLocaleString('en-US')} chained events (generated once into a base database: agents' page views, actions, session starts/ends, sign-ins, consent, settings; each run syncs a fresh copy of it, so runs measure the same log). Served by the real GET /api/v1/audit/events (pages of 1,000, admin token) over loopback.
- Console side: main/core/audit-mirror: the mirror's verifier thread (fetching pages with the real API client, ky; validation against the API schema, chain verification with shared/audit/chain.ts, COPY rows), its store thread (PGlite on disk: two COPYs per page, page + cursor + chain state in one transaction).

| measure | result | target | |
|---|---:|---:|---|
| full sync of ${r.total.toLocaleString('en-US')} events | ${(r.fullSyncMs / 1000).toFixed(1)} s = **${Math.round(rate).toLocaleString('en-US')} events/s** | ≥ ${TARGET.eventsPerSecond.toLocaleString('en-US')}/s | ${verdict(rate >= TARGET.eventsPerSecond)} |
| incremental sync of ${INCREMENT.toLocaleString('en-US')} new events (median of ${INCREMENTAL_RUNS}; all: ${r.incrementalMs.map((v) => ms(v)).join(', ')}) | **${ms(incremental)} ms** | < ${TARGET.incrementalMs} ms | ${verdict(incremental < TARGET.incrementalMs)} |
| filter queries, worst p95 of the kinds below | **${ms(worstP95)} ms** | p95 < ${TARGET.queryP95Ms} ms | ${verdict(worstP95 < TARGET.queryP95Ms)} |
| main-thread event-loop delay during the full sync (monitorEventLoopDelay) | max **${ms(r.loopDelayMaxMs)} ms**, p99 ${ms(r.loopDelayP99Ms)} ms | max < ${TARGET.loopDelayMaxMs} ms | ${verdict(r.loopDelayMaxMs < TARGET.loopDelayMaxMs)} |

CPU used during the full sync: console process (main thread + the mirror's store and verifier threads) ${r.cpu ? `${r.cpu.console.toFixed(0)} s` : '–'}, shop process ${r.cpu ? `${r.cpu.shop.toFixed(0)} s` : '–'} (PostgreSQL not counted); load average at its end ${r.loadDuringSync}. The machine was shared with other jobs during the run, so wall-clock figures here are upper bounds.

The full sync ends when the last page is stored and verified; the upkeep after it runs in the store thread in the background, one statement at a time, and queries run between the steps (complete results throughout, only slower until the indexes are back):

| after the full sync | result |
|---|---:|
| first filtered query (staff + action group), issued the moment the sync returned | ${ms(r.firstQueryMs)} ms |
| free text (a SKU) while the indexes catch up, ${r.catchUpText.length} queries | ${r.catchUpText.map((v) => ms(v)).join(', ')} ms |
| filter indexes rebuilt and statistics fresh (ANALYZE, VACUUM) | ${(r.maintainedMs / 1000).toFixed(1)} s |
| free-text trigram index built for every chunk | ${(r.searchIndexMs / 1000).toFixed(1)} s |

Also measured: worker start (PGlite open + schema) ${ms(r.workerStartMs)} ms; chain verification ${r.verification}.

How: a pipeline per page. The mirror's verifier thread fetches the pages itself with the API client (the main thread sends the access token with each request and refreshes it when the shop says it expired) and keeps two requests ahead, pages N+2 and N+3 (their cursors guessed while pages come full and dense, as a full reader's do; a wrong guess is dropped unused), so the responses never reach the main thread (receiving them there, about a megabyte of buffers per page, made its garbage collector stop it for 10–20 ms every few pages: 160 major collections and 4.9 s of main-thread CPU per full sync, now 3 and 1.3 s), while it validates page N+1 against the API schema, verifies its chain continuing from page N's result (node:crypto SHA-256) and writes its rows in PostgreSQL's COPY text format, while the store thread (PGlite) stores page N: one \`COPY … FROM '/dev/blob'\` for the events and one for their search text, plus the cursor and chain state, in one transaction that refuses a page not fetched from its cursor or not verified from its chain state. The COPY rows move between threads as transferred buffers (no copy). A sync more than 100,000 events behind drops the five filter indexes and rebuilds them afterwards in the background, one index per step, after ANALYZE and before VACUUM (PGlite has no autovacuum; the visibility map makes the capped counts index-only scans); a query waits for at most the step under way, and no background step starts within 300 ms of a query, so a burst of viewer queries waits for one step at most. The search text is partitioned into chunks of 131,072 events; a bulk sync fills new chunks without an index, and afterwards each chunk gets its trigram GIN index in one background step (a few hundred milliseconds to a few seconds); until then a chunk is scanned with the same exact test, so text results are complete throughout. Later events go into a chunk that has its index already (an incremental sync maintains it). While event times are in seq order (checked per page, to the millisecond), a time range becomes a seq range by two index probes and replaces the time conditions, so every (…, seq) index walks straight to the window and combined filters stay index-only. Free text is an exact substring test (\`strpos\`); the store samples about 1,000 events' search text from all over the log (random pages, the same each time) to choose how to find candidates: text in 2 % of them or more is walked to newest first for the page, chunk by chunk (through a chunk's trigram index where the sample found the text rare in that chunk), and counted by walking the search text when it is in a tenth of the events or more (else through the trigram index with the whole text); combined with other filters it is walked in windows of 16,384 seqs, each statement reading only that range of events and of their text, up to the cap, and a cancelled query stops between windows; rarer text goes through the index asked only for its runs of letters and digits that are rare in the sample (a \`sku\` or the word-boundary trigrams of a number would cost long posting lists and narrow nothing; text with no rare run is walked), in one pass that yields both the page and the capped total. A filter of text alone is answered from the search table alone (every stored event has its row there), without joining the events. Filtered queries plan with random_page_cost 1.1 (the mirror's pages are in memory): at the default the planner walked the primary key backward past every newer event instead of using a filter's own index whenever the newest events did not match (each run of this benchmark appends 5,000 page views by one agent before the queries, so the newest events are those). An action group alone is answered as one (action, seq) index walk per action in the group (found by a skip scan), merged. Once the text index is complete, the store reads each chunk's trigram index and text into its page cache (newest first, one relation per background step, as far as they fit); the cache is sized from the mirror's data directory when it opens (128 MB up to 512 MB), so a freshly synced mirror gets the larger cache from its next start. The store thread runs two nice steps below the process on Linux, so the main thread and the verifier come first when the cores are busy.

Where the time goes, CPU per page of 1,000 events measured in isolation on this machine (which other jobs shared): verifier thread ≈ 20–30 ms in all, of it ≈ 3–6 ms zod validation, ≈ 7 ms chain verification (canonical JSON + node:crypto), ≈ 2 ms COPY rows and ≈ 5 ms fetching and receiving the page; store thread ≈ 13–18 ms for the COPYs and the state update (the previous \`INSERT … json_to_recordset\` took ≈ 40 ms); main thread ≈ 1 ms. The shop serves pages from its own process on the same two cores, so the threads overlap only as far as the cores allow: ≈ 10 ms of the shop's CPU per page since it writes the page's JSON from rows read as text (the database formats the time and leaves the details as JSON text), against ≈ 30 ms while it parsed each row into objects and ran the page through zod and JSON.stringify.

Filter queries: the viewer's first page (50 newest events) plus its total (exact without filters, counted up to 10,000 with them), ${QUERY_RUNS} runs per kind with different values, after the text index caught up and the incremental syncs above, and once the mirror had read what queries need into its page cache as far as it holds it (${(r.warmMs / 1000).toFixed(1)} s more; this mirror's cache is 128 MB, sized when it opened empty, so only the newest text chunks and their indexes fit; the console-ui part measures a reopened mirror with its full cache).

| filter | p50 ms | p95 ms | max ms | matches (capped at 10,000) |
|---|---:|---:|---:|---:|
${rows.join('\n')}`;
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
    await writeSection('Audit mirror', report(results, host, (Date.now() - started) / 1000));
    console.log('  wrote the "Audit mirror" section of docs/PERFORMANCE.md');
  },
};
