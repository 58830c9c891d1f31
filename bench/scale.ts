import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { totpCodeForStep, totpStep } from '../shop/auth/totp';
import { JANE } from '../shop/seed/demo';
import { DEMO_STAFF_PASSWORD } from '../shop/seed/staff';
import { apiRequestFrom } from '../shop/test/source-address';
import { postgresPids, processesCpuMs, procStatFields } from './cpu-time';
import { benchDatabase } from './database';
import { machine, medianByP95, ms, runLoad, type LoadResult } from './load';
import { writeSection } from './report';
import type { BenchPart } from './run';
import type { ConsolesConfig, ConsolesMessage, SimulatedConsole } from './scale-consoles';
import { renderScaleSection, type ScaleMemory, type ScaleMode } from './scale-report';
import {
  CONSOLES,
  LIVE_SESSIONS,
  MEMORY_SAMPLE_GAP_MS,
  MEMORY_SAMPLES,
  MEMORY_SETTLE_MS,
  SEARCH_CONCURRENCY,
  SEARCH_MS,
  SEARCH_RUNS,
  SUPERVISORS,
  TERMINATE_GAP_MS,
  TERMINATIONS,
  WARMUP_MS,
  WINDOW_MS,
  WORKERS,
} from './scale-settings';
import { prepareSearchDatabase } from './search';
import { medianShopMemory, type ShopMemory } from './shop-memory';
import { startShopProcess, stopShopProcess } from './shop-process';
import { hasWrk, runWrk } from './wrk';

const CONSOLES_SCRIPT = fileURLToPath(new URL('./scale-consoles.ts', import.meta.url));
const SEARCH_TERMS = ['smith', 'jane', 'garcia', 'lee', 'O-0000', 'miller', 'brown', 'wilson'];

/** Bench staff: `bench0001@bench.test`…, the first SUPERVISORS of them supervisors, all with the demo password and one TOTP secret. */
async function ensureBenchStaff(db: pg.Client): Promise<{ email: string; id: string; supervisor: boolean }[]> {
  await db.query(
    `INSERT INTO staff (id, email, name, role, password_hash, totp_secret)
     SELECT 'stf_bench_' || lpad(i::text, 4, '0'), 'bench' || lpad(i::text, 4, '0') || '@bench.test',
            'Bench ' || CASE WHEN i <= $2 THEN 'Supervisor ' ELSE 'Agent ' END || i,
            CASE WHEN i <= $2 THEN 'supervisor' ELSE 'agent' END, a.password_hash, a.totp_secret
       FROM generate_series(1, $1) AS i, (SELECT password_hash, totp_secret FROM staff WHERE email = 'agent@demo.test') a
     ON CONFLICT (id) DO NOTHING`,
    [CONSOLES, SUPERVISORS],
  );
  const { rows } = await db.query<{ id: string; email: string; role: string }>(
    `SELECT id, email, role FROM staff WHERE id LIKE 'stf_bench_%' ORDER BY id LIMIT $1`,
    [CONSOLES],
  );
  return rows.map((r) => ({ id: r.id, email: r.email, supervisor: r.role === 'supervisor' }));
}

/** A JSON POST from one of 127.0.0.2…127.0.0.201, so the per-address sign-in limit is not what is measured. */
const post = (url: string, body: unknown, from: number, token?: string) =>
  apiRequestFrom(
    `127.0.0.${String(2 + (from % 200))}`,
    new URL(url).origin,
    'POST',
    new URL(url).pathname.replace(/^\/api\/v1/, ''),
    {
      body,
      ...(token ? { token } : {}),
    },
  );

async function signInAll(shopUrl: string, staff: { email: string }[], secret: string): Promise<string[]> {
  const tokens: string[] = [];
  const code = totpCodeForStep(secret, totpStep(new Date()));
  for (let i = 0; i < staff.length; i += 16) {
    const batch = staff.slice(i, i + 16);
    tokens.push(
      ...(await Promise.all(
        batch.map(async ({ email }, j) => {
          const from = i + j;
          const login = await post(`${shopUrl}/api/v1/auth/login`, { email, password: DEMO_STAFF_PASSWORD }, from);
          const { mfaToken } = login.json as { mfaToken: string };
          const mfa = await post(`${shopUrl}/api/v1/auth/mfa`, { mfaToken, code }, from);
          if (mfa.status !== 200) throw new Error(`signing in ${email} failed: ${JSON.stringify(mfa.json)}`);
          return (mfa.json as { accessToken: string }).accessToken;
        }),
      )),
    );
  }
  return tokens;
}

/** Sessions with Jane for the agents after the supervisors, stepped up by password. */
async function startSessions(shopUrl: string, consoles: SimulatedConsole[]): Promise<void> {
  const agents = consoles.filter((c) => !c.supervisor).slice(0, LIVE_SESSIONS);
  for (const [i, agent] of agents.entries()) {
    const up = await post(`${shopUrl}/api/v1/auth/step-up`, { password: DEMO_STAFF_PASSWORD }, i, agent.token);
    const stepUpToken = (up.json as { stepUpToken?: string }).stepUpToken;
    const started = await post(
      `${shopUrl}/api/v1/assist-sessions`,
      { customerId: JANE.id, accountId: 'acc_000001_us', mode: 'view', reason: 'Scale benchmark call', stepUpToken },
      i,
      agent.token,
    );
    if (started.status !== 201) throw new Error(`starting a session failed: ${JSON.stringify(started.json)}`);
    agent.sessionId = (started.json as { session: { id: string } }).session.id;
  }
}

/** The shop's processes: the primary and its children (its workers, and tsx's esbuild service). */
function shopPids(primary: number): number[] {
  const children = readdirSync('/proc').filter(
    (pid) => /^\d+$/.test(pid) && procStatFields(pid)?.[1] === String(primary),
  );
  return [primary, ...children.map(Number)];
}
/** Of those, the shop's own node processes (the primary and its workers): the ones the memory probe answers. */
const shopNodePids = (pids: readonly number[]) =>
  pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8').includes('shop/cli.ts');
    } catch {
      return false;
    }
  });
const cpuMs = (pids: readonly (number | string)[]) => processesCpuMs(pids, { exitedChildren: true });

/** The simulated consoles in their own process, `ready` once every console is connected (or polling). */
async function startConsoles(config: ConsolesConfig): Promise<{ child: ChildProcess; told: Map<string, number> }> {
  const child = fork(CONSOLES_SCRIPT, [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const told = new Map<string, number>();
  await new Promise<void>((resolve, reject) => {
    child.on('message', (message: ConsolesMessage) => {
      if (message.type === 'ready') resolve();
      if (message.type === 'told') told.set(message.sessionId, message.at);
    });
    child.once('exit', (code) => {
      reject(new Error(`the simulated consoles exited (${String(code)})`));
    });
    child.send(config);
  });
  return { child, told };
}

/** Their counts, once the process has exited (so its connections to the shop are closed). */
async function stopConsoles(child: ChildProcess): Promise<{ requests: number; errors: number }> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stats = await new Promise<{ requests: number; errors: number }>((resolve) => {
    child.on('message', (message: ConsolesMessage) => {
      if (message.type === 'stats') resolve({ requests: message.requests, errors: message.errors });
    });
    child.send('stop');
  });
  await exited;
  return stats;
}

/**
 * What the streams cost in memory, on a fresh shop (the runs before leave freed memory resident, which
 * hid the streams' RSS): its memory idle, with half the consoles' streams open, then with all of them;
 * each the median of MEMORY_SAMPLES samples taken after a GC in every shop process.
 */
async function streamMemory(databaseUrl: string, consoles: SimulatedConsole[]): Promise<ScaleMemory> {
  const shop = await startShopProcess(databaseUrl, 0, ['--workers', String(WORKERS)], { memoryProbe: true });
  const running: ChildProcess[] = [];
  try {
    const pids = shopNodePids(shopPids(shop.child.pid ?? 0));
    const sample = async (streams: number) => {
      // The connections' catch-ups and first reads done before the samples.
      if (streams > 0) await new Promise((resolve) => setTimeout(resolve, MEMORY_SETTLE_MS));
      const memory = await medianShopMemory(shop, pids, MEMORY_SAMPLES, MEMORY_SAMPLE_GAP_MS);
      console.log(
        `  shop memory with ${String(streams)} streams: heap ${ms(memory.heapMb)} MB, RSS ${ms(memory.rssMb)} MB`,
      );
      return memory;
    };
    const half = Math.floor(consoles.length / 2);
    const steps: ShopMemory[] = [await sample(0)];
    for (const [from, to] of [
      [0, half],
      [half, consoles.length],
    ] as const) {
      const part = consoles.slice(from, to);
      running.push(
        (await startConsoles({ shopUrl: shop.url, mode: 'stream', consoles: part, searchTerms: SEARCH_TERMS })).child,
      );
      steps.push(await sample(to));
    }
    const [idle, halfway, all] = steps;
    if (!idle || !halfway || !all) throw new Error('missing memory samples');
    return { idle, half: halfway, all, halfStreams: half, streams: consoles.length };
  } finally {
    for (const child of running) await stopConsoles(child);
    await stopShopProcess(shop.child);
  }
}

/** Shop + PostgreSQL CPU per console-minute over WINDOW_MS, after WARMUP_MS. */
async function cpuPerConsoleMinute(pids: number[]): Promise<{ shopMs: number; postgresMs: number }> {
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  const before = { shop: cpuMs(pids), pg: cpuMs(postgresPids()) };
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  const after = { shop: cpuMs(pids), pg: cpuMs(postgresPids()) };
  const consoleMinutes = CONSOLES * (WINDOW_MS / 60_000);
  return { shopMs: (after.shop - before.shop) / consoleMinutes, postgresMs: (after.pg - before.pg) / consoleMinutes };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function measure(
  databaseUrl: string,
): Promise<Omit<Parameters<typeof renderScaleSection>[0], 'host' | 'measuredAt' | 'seconds'>> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const staff = await ensureBenchStaff(db);
  const secret =
    (await db.query<{ s: string }>("SELECT totp_secret AS s FROM staff WHERE email = 'agent@demo.test'")).rows[0]?.s ??
    '';
  // Step-up by password: each agent's TOTP code for this step went into its sign-in.
  await db.query(`UPDATE shop_settings SET value = jsonb_set(value, '{stepUpPolicy}', '"totp_or_password"') WHERE id`);
  await db.end();

  const shop = await startShopProcess(databaseUrl, 0, ['--workers', String(WORKERS)]);
  try {
    const pids = shopPids(shop.child.pid ?? 0);
    console.log(`  shop: ${String(shopNodePids(pids).length - 1)} workers; signing in ${String(CONSOLES)} consoles…`);
    const tokens = await signInAll(shop.url, staff, secret);
    const consoles: SimulatedConsole[] = staff.map((s, i) => ({
      token: tokens[i] ?? '',
      supervisor: s.supervisor,
      sessionId: null,
    }));
    await startSessions(shop.url, consoles);
    console.log(`  ${String(LIVE_SESSIONS)} sessions live`);
    const config = (mode: ScaleMode): ConsolesConfig => ({
      shopUrl: shop.url,
      mode,
      consoles,
      searchTerms: SEARCH_TERMS,
    });

    const modes = {} as Record<ScaleMode, { shopMs: number; postgresMs: number; requests: number; errors: number }>;
    let told: number[] = [];
    let search: { result: LoadResult; runsP95: number[] } | null = null;
    // The same search before any console connects: what the streams change in it, on the same shop.
    const searchIdle = await customerSearchRuns(shop.url, tokens[0] ?? '');
    for (const mode of ['base', 'poll', 'stream'] as const) {
      const consolesRun = await startConsoles(config(mode));
      const cpu = await cpuPerConsoleMinute(pids);
      console.log(`  ${mode}: shop ${ms(cpu.shopMs)} ms + PostgreSQL ${ms(cpu.postgresMs)} ms CPU per console-minute`);
      if (mode === 'stream') {
        search = await customerSearchRuns(shop.url, tokens[0] ?? '');
        told = await terminateAndTime(shop.url, tokens[0] ?? '', consoles, consolesRun.told);
      }
      const stats = await stopConsoles(consolesRun.child);
      modes[mode] = { ...cpu, ...stats };
    }
    await stopShopProcess(shop.child);
    return {
      modes,
      memory: await streamMemory(databaseUrl, consoles),
      toldP50: percentile(told, 50),
      toldP95: percentile(told, 95),
      told: told.length,
      search: search?.result ?? null,
      searchRunsP95: search?.runsP95 ?? [],
      searchIdle: searchIdle.result,
      searchIdleRunsP95: searchIdle.runsP95,
    };
  } finally {
    await stopShopProcess(shop.child);
  }
}

/**
 * Customer search SEARCH_RUNS times in a row: the run with the median p95, and every run's p95 (as
 * the search part reports its rows; one 10 s run's tail moves a lot on two cores).
 */
async function customerSearchRuns(shopUrl: string, token: string): Promise<{ result: LoadResult; runsP95: number[] }> {
  const runs: LoadResult[] = [];
  for (let i = 0; i < SEARCH_RUNS; i++) runs.push(await customerSearchLoad(shopUrl, token));
  const median = medianByP95(runs, (r) => r.p95);
  if (!median) throw new Error('no search runs');
  return { result: median, runsP95: runs.map((r) => r.p95) };
}

/** Customer search at SEARCH_CONCURRENCY for SEARCH_MS (with the streams open, or before any console connected). */
async function customerSearchLoad(shopUrl: string, token: string): Promise<LoadResult> {
  // wrk, as the search part uses, so the load generator takes little of the CPU the shop needs.
  if (await hasWrk())
    return runWrk(`${shopUrl}/api/v1/customers?q=smith&limit=25`, {
      connections: SEARCH_CONCURRENCY,
      durationMs: SEARCH_MS,
      warmupMs: 2_000,
      headers: { authorization: `Bearer ${token}` },
    });
  let i = 0;
  return runLoad(
    async () => {
      const term = SEARCH_TERMS[i++ % SEARCH_TERMS.length] ?? 'smith';
      const response = await fetch(`${shopUrl}/api/v1/customers?q=${term}&limit=25`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(String(response.status));
    },
    { concurrency: SEARCH_CONCURRENCY, durationMs: SEARCH_MS, warmupMs: 2_000 },
  );
}

/** A supervisor ends TERMINATIONS sessions one by one; each is timed until its agent's console is told. */
async function terminateAndTime(
  shopUrl: string,
  supervisorToken: string,
  consoles: SimulatedConsole[],
  told: Map<string, number>,
): Promise<number[]> {
  const sent = new Map<string, number>();
  for (const c of consoles.filter((x) => x.sessionId).slice(0, TERMINATIONS)) {
    const id = c.sessionId ?? '';
    sent.set(id, Date.now());
    const ended = await post(
      `${shopUrl}/api/v1/assist-sessions/${id}/end`,
      { reason: 'terminated_by_supervisor', note: 'Scale benchmark' },
      0,
      supervisorToken,
    );
    if (ended.status !== 200) throw new Error(`ending ${id} failed: ${JSON.stringify(ended.json)}`);
    await new Promise((resolve) => setTimeout(resolve, TERMINATE_GAP_MS));
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  return [...sent].flatMap(([id, at]) => {
    const heard = told.get(id);
    return heard === undefined ? [] : [heard - at];
  });
}

export const scaleBench: BenchPart = {
  name: 'scale',
  description: `${String(CONSOLES)} consoles on ${String(WORKERS)} shop processes over PostgreSQL: streamed vs polled`,
  async run() {
    const started = Date.now();
    const databaseUrl = await benchDatabase('concierge_bench');
    await prepareSearchDatabase(databaseUrl);
    const results = await measure(databaseUrl);
    const seconds = (Date.now() - started) / 1000;
    await writeSection(
      'Scale: a thousand consoles',
      renderScaleSection({ ...results, host: machine(), measuredAt: new Date(), seconds }),
    );
  },
};
