/**
 * Customer search at one million customers on PostgreSQL: the real shop over loopback HTTP
 * (auth, validation, search SQL, JSON) against a naive `ILIKE '%q%'` scan run directly in SQL.
 *
 * BENCH_DATABASE_URL names the database; without it, .ci/start-postgres.sh starts the local
 * server and the database `concierge_bench` is used. Seeding happens once and is reused.
 */
import pg from 'pg';
import { accessGate } from '../shop/auth/guard';
import { searchCustomers } from '../shop/customers/search';
import { openPostgres } from '../shop/db/database';
import { migrate } from '../shop/db/migrate';
import { systemClock } from '../shop/lib/clock';
import { seedDemo } from '../shop/seed/demo';
import { seedScale } from '../shop/seed/scale';
import { signIn } from '../shop/test/auth-helpers';
import { machine, ms, runLoad, type LoadResult } from './load';
import type { BenchPart } from './run';
import { benchDatabase } from './database';
import { startShopProcess, stopShopProcess } from './shop-process';
import { writeSection } from './report';
import { hasWrk, runWrk } from './wrk';
import { cpuSnapshot, cpuUse, type CpuUse } from './cpu-time';
import { postgresScheduling, setPostgresScheduling, type SchedulingPolicy } from './pg-scheduling';

const CUSTOMERS = 1_000_000;
const CONCURRENCY = 16;
const DURATION_MS = 10_000;
const WARMUP_MS = 2_000;
const TARGET_P95_MS = 10;
/** Measured runs per API query; the report shows the median run. */
const RUNS = 3;

/** What an agent types: part of a surname, the start of an email, an order number read out. */
const SCENARIOS = [
  {
    label: 'name fragment',
    q: 'ilso',
    naive: `SELECT id, name, email FROM customers WHERE name ILIKE $1 ORDER BY name, id LIMIT 25`,
  },
  {
    label: 'email prefix',
    q: 'mary.smi',
    naive: `SELECT id, name, email FROM customers WHERE email ILIKE $1 ORDER BY email LIMIT 25`,
  },
  {
    label: 'order number',
    q: 'O-10012346',
    naive: `SELECT DISTINCT c.id, c.name, c.email FROM documents d JOIN customers c ON c.id = d.customer_id WHERE d.number ILIKE $1 LIMIT 25`,
  },
] as const;

async function prepare(databaseUrl: string): Promise<void> {
  const db = await openPostgres(databaseUrl);
  try {
    await migrate(db);
    await seedDemo(db, systemClock);
    const started = Date.now();
    const { inserted } = await seedScale(db, {
      customers: CUSTOMERS,
      onProgress: ({ done, total, skipped }) => {
        console.log(
          `  scale seed ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}${skipped ? ' (present)' : ''}`,
        );
      },
    });
    if (inserted > 0)
      console.log(
        `  seeded ${inserted.toLocaleString('en-US')} customers in ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
  } finally {
    await db.close();
  }
}

interface Row {
  label: string;
  q: string;
  way: string;
  result: LoadResult;
  cpu?: CpuUse | null;
  runP95?: number[];
  policy?: SchedulingPolicy | 'as found';
}
interface ApiRun {
  result: LoadResult;
  cpu: CpuUse | null;
}

/** One measured run of the API at CONCURRENCY, after its warm-up, with the CPU it took where /proc tells. */
async function measureApi(url: string, authorization: string, withWrk: boolean, shopPid: number): Promise<ApiRun> {
  if (!withWrk) {
    const result = await runLoad(
      async () => {
        const response = await fetch(url, { headers: { authorization } });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(String(response.status));
      },
      { durationMs: DURATION_MS, warmupMs: WARMUP_MS, concurrency: CONCURRENCY },
    );
    return { result, cpu: null };
  }
  const wrk = { connections: CONCURRENCY, headers: { authorization } };
  await runWrk(url, { ...wrk, durationMs: WARMUP_MS, warmupMs: 0 });
  // CPU is read around the measured run only, so it is per counted request.
  const before = cpuSnapshot(shopPid);
  const result = await runWrk(url, { ...wrk, durationMs: DURATION_MS, warmupMs: 0 });
  const after = cpuSnapshot(shopPid);
  return { result, cpu: before && after ? cpuUse(before, after, result.requests + result.errors) : null };
}

/**
 * The PostgreSQL scheduling policies to measure the API under: both, where this machine lets the
 * benchmark switch its server's processes, so the report shows what the policy changes.
 */
function schedulingPolicies(found: SchedulingPolicy | null): (SchedulingPolicy | 'as found')[] {
  const switchable = setPostgresScheduling('batch') && setPostgresScheduling('normal');
  if (found) setPostgresScheduling(found);
  return switchable ? ['normal', 'batch'] : ['as found'];
}

async function measure(databaseUrl: string, withWrk: boolean): Promise<Row[]> {
  const rows: Row[] = [];
  const shop = await startShopProcess(databaseUrl);
  const initialPolicy = postgresScheduling();
  const policies = schedulingPolicies(initialPolicy);
  // The SQL-only rows below run the API's statement, access check included, with this token.
  let authorization: string | undefined;
  try {
    authorization = `Bearer ${(await signIn(shop.url, 'agent@demo.test')).accessToken}`;
    const urlOf = (q: string) => `${shop.url}/api/v1/customers?q=${encodeURIComponent(q)}&limit=25`;
    for (const s of SCENARIOS) {
      const check = await fetch(urlOf(s.q), { headers: { authorization } });
      const body = (await check.json()) as { items?: unknown[] };
      if (check.status !== 200 || !body.items?.length)
        throw new Error(`search for ${s.q} failed: ${check.status} ${JSON.stringify(body)}`);
    }
    const cases = SCENARIOS.flatMap((s) => policies.map((policy) => ({ s, policy })));
    const runs = new Map(cases.map((c) => [c, [] as ApiRun[]]));
    // Rounds of every query rather than one query's runs in a row, so a slow spell of this shared
    // machine falls on all of them; each row reports its median run by p95.
    for (let round = 1; round <= RUNS; round++) {
      for (const c of cases) {
        const { s, policy } = c;
        if (policy !== 'as found' && !setPostgresScheduling(policy))
          throw new Error(`could not set PostgreSQL's scheduling policy to ${policy}`);
        const run = await measureApi(urlOf(s.q), authorization, withWrk, shop.child.pid ?? 0);
        runs.get(c)?.push(run);
        console.log(
          `  API   ${s.label.padEnd(14)} PostgreSQL ${policy.padEnd(8)} run ${round}/${RUNS} ${format(run.result)}${run.cpu ? `  CPU/request shop ${ms(run.cpu.processMs)} ms, PostgreSQL ${ms(run.cpu.postgresMs)} ms; cores idle ${pct(run.cpu.idle)}` : ''}`,
        );
      }
    }
    for (const [{ s, policy }, all] of runs) {
      const median = [...all].sort((a, b) => a.result.p95 - b.result.p95)[Math.floor(all.length / 2)];
      if (median)
        rows.push({
          label: s.label,
          q: s.q,
          way: API_WAY,
          policy,
          result: median.result,
          cpu: median.cpu,
          runP95: all.map((r) => r.result.p95),
        });
    }
  } finally {
    if (policies.length > 1) setPostgresScheduling(initialPolicy ?? 'normal');
    await stopShopProcess(shop.child);
  }
  // The search's statement alone: one client, no HTTP, for what the database part costs. It
  // carries the access check, as the API's does.
  const db = await openPostgres(databaseUrl, { max: 1 });
  try {
    const gate = accessGate({ db, clock: systemClock }, authorization, ['customers.read']);
    for (const s of SCENARIOS) {
      const result = await runLoad(
        async () => {
          await searchCustomers(db, { q: s.q, limit: 25 }, new Date(), gate);
        },
        { concurrency: 1, durationMs: 3_000, warmupMs: 500 },
      );
      rows.push({ label: s.label, q: s.q, way: 'search SQL only, 1 client', result });
      console.log(`  sql   ${s.label.padEnd(14)} ${format(result)}`);
    }
  } finally {
    await db.close();
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CONCURRENCY });
  try {
    for (const s of SCENARIOS) {
      const pattern = `%${s.q}%`;
      // No warm-up: one naive query can take longer than the whole window.
      const result = await runLoad(
        async () => {
          await pool.query(s.naive, [pattern]);
        },
        { concurrency: CONCURRENCY, durationMs: DURATION_MS, warmupMs: 0 },
      );
      rows.push({ label: s.label, q: s.q, way: "naive SQL `ILIKE '%q%'`", result });
      console.log(`  naive ${s.label.padEnd(14)} ${format(result)}`);
    }
  } finally {
    await pool.end();
  }
  return rows;
}

const API_WAY = 'API (GET /customers)';
const pct = (share: number) => `${(100 * share).toFixed(0)} %`;
const format = (r: LoadResult) =>
  `p50 ${ms(r.p50)} ms  p95 ${ms(r.p95)} ms  p99 ${ms(r.p99)} ms  ${r.perSecond.toFixed(0)} req/s  (${r.requests} requests, ${r.errors} errors)`;

/** Where the API rows' CPU went, when /proc could tell (Linux, wrk). */
function cpuTable(api: Row[]): string {
  const measured = api.filter((r): r is Row & { cpu: CpuUse } => Boolean(r.cpu));
  if (measured.length === 0) return '';
  return `
CPU during the reported run of each API row (from /proc): per request, the shop process and every PostgreSQL process on this machine; and the share of all cores' time that was busy (anything: shop, PostgreSQL, wrk, the kernel), idle, or taken by the hypervisor (steal).

| query | PostgreSQL scheduling | shop CPU ms/request | PostgreSQL CPU ms/request | cores busy | idle | steal |
|---|---|---:|---:|---:|---:|---:|
${measured.map((r) => `| ${r.label} \`${r.q}\` | ${r.policy ?? '–'} | ${ms(r.cpu.processMs)} | ${ms(r.cpu.postgresMs)} | ${pct(r.cpu.busy)} | ${pct(r.cpu.idle)} | ${pct(r.cpu.steal)} |`).join('\n')}
`;
}

function policiesNote(api: Row[]): string {
  if (!api.some((r) => r.policy === 'batch'))
    return "PostgreSQL's processes keep the scheduling policy they run with (the benchmark could not switch them: `chrt`, Linux, and a server run by the same user are needed).";
  return "Each API query is measured with PostgreSQL's processes under Linux's normal scheduling policy and under `SCHED_BATCH` (`chrt --batch`, set by the benchmark on the server's processes for those runs and undone after). Both are fair scheduling; batch only stops a woken backend from taking the core from the process that woke it. Here that process is the shop, which has just written a query to the backend's socket: under the normal policy the backend often starts at once on the shop's core, the shop's event loop stops mid-work and the other core idles. A deployment with PostgreSQL beside the shop gets the same by starting the server under `chrt --batch 0`; the SQL-only and naive rows run under the normal policy.";
}

function report(rows: Row[], host: string, seconds: number, withWrk: boolean, databaseUrl: string): string {
  const table = [
    '| query | path | PostgreSQL scheduling | p50 ms | p95 ms | p99 ms | req/s | requests | errors | p95 of each run, ms |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.label} \`${r.q}\` | ${r.way} | ${r.policy ?? '–'} | ${ms(r.result.p50)} | ${ms(r.result.p95)} | ${ms(r.result.p99)} | ${r.result.perSecond.toFixed(0)} | ${r.result.requests} | ${r.result.errors} | ${r.runP95 ? r.runP95.map(ms).join(', ') : '–'} |`,
    ),
  ].join('\n');
  const api = rows.filter((r) => r.way === API_WAY);
  const policies = [...new Set(api.map((r) => r.policy))];
  const verdicts = policies.map((policy) => {
    const worst = Math.max(...api.filter((r) => r.policy === policy).map((r) => r.result.p95));
    const under =
      policy === 'as found' || policy === undefined
        ? 'With PostgreSQL scheduled as this machine runs it'
        : `With PostgreSQL at ${policy} scheduling`;
    return worst <= TARGET_P95_MS
      ? `${under}, every API query met the target (p95 ≤ ${TARGET_P95_MS} ms at concurrency ${CONCURRENCY}); the worst p95 was ${ms(worst)} ms.`
      : `${under}, the worst API p95 was ${ms(worst)} ms, above the ${TARGET_P95_MS} ms target.`;
  });
  const verdict = `${verdicts.join(' ')} The shop process, PostgreSQL and the load generator share the cores listed above with whatever else runs (see the load average): at ${CONCURRENCY} requests in flight, a request waits for the CPU the others need, so the latency follows the CPU per request in the table above and how much of the cores' time the ping-pong between the processes leaves idle. The "search SQL only" rows show what the database part of one search costs on the same machine at the same time.`;
  return `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench -- search\` (${seconds.toFixed(0)} s).

- Machine: ${host}
- Data: PostgreSQL, ${CUSTOMERS.toLocaleString('en-US')} generated customers (\`seedScale\`) plus the demo set, about 2 orders each with invoices, shipments and credit memos (≈ 4.6 M documents).
- Load: ${CONCURRENCY} concurrent clients for ${DURATION_MS / 1000} s per query after ${WARMUP_MS / 1000} s warm-up; each API query is measured ${RUNS} times, in rounds of all the queries, and its row shows the run with the median p95 (the last column lists every run's). API requests go over loopback HTTP (keep-alive) to the shop CLI in its own process and include bearer-token authentication; ${withWrk ? `they come from \`wrk\` (${CONCURRENCY} connections, one thread), a C load generator in its own process` : 'they come from Node.js `fetch` loops in the benchmark process (`wrk` was not installed: `apt-get install wrk` measures with less load-generator CPU on the same cores)'}. The shop reaches PostgreSQL over ${databaseUrl.includes('host=%2F') ? 'its Unix socket, as a shop on the database host would' : 'the URL given in BENCH_DATABASE_URL'}. ${policiesNote(api)} The naive rows run one \`ILIKE '%q%'\` statement per request straight against the same database (no HTTP, no warm-up; requests started in the window are counted to completion), so they flatter the naive approach.

${table}
${cpuTable(api)}
${verdict}

How the search stays fast (shop/customers/search.ts): the query is classified (email, customer number, document number, phone, name) and runs as bounded index walks — prefix (\`text_pattern_ops\` btrees ending in the customer id, so keyset pages never sort; an exact match is the first value of its own prefix range, so it comes first), then "contains". A one-word name fragment is matched against the few hundred distinct first and last names (\`name_terms\`), and each matching name is an index range of customers; only multi-word fragments and phone digits use the trigram GIN indexes. The segments are one UNION ALL under the page's LIMIT: PostgreSQL's Append reads them in rank order and stops once the page is full, so a segment that cannot reach the page never starts. That matters because some segments must skip most of what they walk (for \`mar\`, every email starting with "mar" belongs to a customer already listed by name): running every segment cost 150 ms warm and seconds with a cold cache. The naive scan reads every row for every request.

What one API request costs: one database round trip, one prepared statement that checks the access token (valid now, its staff member enabled, the role allowed to read customers: the same rules as every other route's guard, read in the same statement, so a revoked token or a demotion takes effect at once) and, only if that holds, runs the search; an empty answer is followed by the guard's own lookup for its precise 401 or 403. Reading the token in a query of its own cost about 0.2 ms of CPU per request (shop and PostgreSQL together). Prepared statements run their generic plan (\`plan_cache_mode=force_generic_plan\` on the shop's pool for them): left to choose, PostgreSQL re-planned the search's union of index walks on every call, and planning cost more than running it. That pool holds one connection per core plus one: these statements never wait on disk or locks, so more backends only take turns on the cores (with 10, as before, PostgreSQL spent about 0.46 ms of CPU per name search instead of 0.32, and the shop served about 1,700 instead of 2,000 searches a second). Each segment returns the customer's columns where it finds the row, and stores and consent are copied onto the customer row by triggers (migration 005), so a page of 25 results needs no further lookups; PostgreSQL hands over the stores as a JSON array and consent as its status and ISO times (the same rule as the shop's, tested case by case), so the shop decodes no array or timestamp per row. The answer is written with JSON.stringify from the typed result, without a second pass through the response schema (the tests check every answer against a strict copy of it).`;
}

export const searchBench: BenchPart = {
  name: 'search',
  description: `customer search at ${CUSTOMERS.toLocaleString('en-US')} customers on PostgreSQL, concurrency ${CONCURRENCY}`,
  run: async () => {
    const started = Date.now();
    const host = machine();
    const databaseUrl = await benchDatabase('concierge_bench');
    console.log(`  database ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}`);
    await prepare(databaseUrl);
    const withWrk = await hasWrk();
    if (!withWrk) console.log('  wrk is not installed (apt-get install wrk): loading from Node.js fetch loops instead');
    const rows = await measure(databaseUrl, withWrk);
    await writeSection('Customer search', report(rows, host, (Date.now() - started) / 1000, withWrk, databaseUrl));
    console.log('  wrote the "Customer search" section of docs/PERFORMANCE.md');
  },
};
