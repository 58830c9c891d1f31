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
import { machine, medianByP95, ms, runLoad, type LoadResult } from './load';
import type { BenchPart } from './run';
import { benchDatabase } from './database';
import { startShopProcess, stopShopProcess } from './shop-process';
import { writeSection } from './report';
import { pct, renderSearchSection, type SearchRow } from './search-report';
import { API_WAY, CONCURRENCY, CUSTOMERS, DURATION_MS, RUNS, WARMUP_MS } from './search-settings';
import { hasWrk, runWrk } from './wrk';
import { cpuSnapshot, cpuUse, type CpuUse } from './cpu-time';
import { postgresScheduling, setPostgresScheduling, type SchedulingPolicy } from './pg-scheduling';

/**
 * What an agent types: part of a surname, the start of an email, an order number read out, a
 * name as "last, first", an order number's digits without its letter.
 */
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
  {
    label: 'last, first',
    q: 'smith, mary',
    naive: `SELECT id, name, email FROM customers WHERE last_name || ', ' || first_name ILIKE $1 ORDER BY name, id LIMIT 25`,
  },
  {
    label: 'order digits',
    q: '10012346',
    naive: `SELECT DISTINCT c.id, c.name, c.email FROM documents d JOIN customers c ON c.id = d.customer_id WHERE d.number ILIKE $1 LIMIT 25`,
  },
] as const;

/** The search database migrated and seeded (the demo and the scale customers); what is present is kept. */
export async function prepareSearchDatabase(databaseUrl: string): Promise<void> {
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

async function measure(databaseUrl: string, withWrk: boolean): Promise<SearchRow[]> {
  const rows: SearchRow[] = [];
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
      const median = medianByP95(all, (run) => run.result.p95);
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

const format = (r: LoadResult) =>
  `p50 ${ms(r.p50)} ms  p95 ${ms(r.p95)} ms  p99 ${ms(r.p99)} ms  ${r.perSecond.toFixed(0)} req/s  (${r.requests} requests, ${r.errors} errors)`;

export const searchBench: BenchPart = {
  name: 'search',
  description: `customer search at ${CUSTOMERS.toLocaleString('en-US')} customers on PostgreSQL, concurrency ${CONCURRENCY}`,
  run: async () => {
    const started = Date.now();
    const host = machine();
    const databaseUrl = await benchDatabase('concierge_bench');
    console.log(`  database ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}`);
    await prepareSearchDatabase(databaseUrl);
    const withWrk = await hasWrk();
    if (!withWrk) console.log('  wrk is not installed (apt-get install wrk): loading from Node.js fetch loops instead');
    const rows = await measure(databaseUrl, withWrk);
    const seconds = (Date.now() - started) / 1000;
    const measuredAt = new Date();
    await writeSection(
      'Customer search',
      renderSearchSection({ rows, host, measuredAt, seconds, withWrk, databaseUrl }),
    );
    console.log('  wrote the "Customer search" section of docs/PERFORMANCE.md');
  },
};
