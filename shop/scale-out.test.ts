import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStream } from '../main/core/api/event-stream';
import { UPKEEP_LOCK } from './assist/upkeep';
import { JANE } from './seed/demo';
import { TestBrowser } from './storefront/test-browser';
import { startAssistedSession } from './storefront/test-assist';
import { apiRequest, errorCode, signIn } from './test/auth-helpers';
import { apiRequestFrom } from './test/source-address';
import { backends, newPostgresDatabase } from './test/harness';
import { until } from './test/started-shop';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const onPostgres = backends().includes('postgres');

interface ShopProcess {
  url: string;
  child: ChildProcess;
}

/** `npm run shop` as a user runs it, in a process of its own, on the shared database. */
async function startShopProcess(databaseUrl: string, dataDir: string, extra: string[] = []): Promise<ShopProcess> {
  const args = ['--import', 'tsx', 'shop/cli.ts', '--port', '0', '--quiet', '--data-dir', dataDir, ...extra];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      reject(new Error(`the shop exited (${String(code)}) before listening:\n${output}`));
    });
  });
  return { url, child };
}

async function stopShopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill(signal);
  return exited;
}

/** Which shop processes hold the upkeep lock: their pids, from the lock connection's application name. */
async function upkeepLeaders(databaseUrl: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND l.objid = $1 AND a.datname = current_database()`,
      [UPKEEP_LOCK],
    );
    return rows.map((r) => Number(/pid (\d+)/.exec(r.name)?.[1]));
  } finally {
    await client.end();
  }
}

describe.runIf(onPostgres)('two shop processes on one PostgreSQL [postgres]', () => {
  let database: { url: string; drop(): Promise<void> };
  let dir: string;
  let a: ShopProcess;
  let b: ShopProcess;

  beforeAll(async () => {
    const server = process.env.TEST_DATABASE_URL ?? '';
    database = await newPostgresDatabase(server, 'concierge_scale');
    dir = await mkdtemp(join(tmpdir(), 'shop-scale-out-'));
    // The first migrates and seeds; the second finds it done, as a second host behind a load balancer does.
    a = await startShopProcess(database.url, dir);
    b = await startShopProcess(database.url, dir, ['--seed', 'none', '--trust-proxy', '127.0.0.1']);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a, b].filter(Boolean).map((shop) => stopShopProcess(shop.child)));
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a session started through one and ended through the other is refused at once by the first storefront, whose stream tells its agent', async () => {
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const started = await startAssistedSession(a.url, db, {
      customerId: JANE.id,
      storeId: 'sto_us',
      mode: 'view',
    }).finally(() => db.end());
    const agent = new TestBrowser(a.url);
    const handoff = new URL(started.handoffUrl);
    expect((await agent.get(`${handoff.pathname}${handoff.search}`)).status).toBe(303);
    expect((await agent.get('/store/us/')).status).toBe(200);

    // The agent's console listens on A; the supervisor's end goes through B; PostgreSQL tells A.
    const told: string[] = [];
    const stream = openEventStream({
      shopUrl: a.url,
      tokens: { accessToken: () => started.accessToken, refreshAccessToken: () => Promise.resolve(false) },
      onMessage: (m) => {
        if (m.event === 'session' && m.data.id === started.session.id) told.push(m.data.status);
      },
      onState: () => undefined,
    });
    await until('the stream to be live', () => Promise.resolve(stream.state() === 'live'));
    const supervisor = await signIn(b.url, 'supervisor@demo.test');
    const ended = await apiRequest(b.url, 'POST', `/assist-sessions/${started.session.id}/end`, {
      token: supervisor.accessToken,
      body: { reason: 'terminated_by_supervisor', note: 'Checking the other process sees it' },
    });
    expect(ended.status).toBe(200);

    const after = await agent.get('/store/us/');
    expect(after.status).toBe(403);
    expect(after.html).toContain('The assisted session ended');
    await until('A to tell the agent', () => Promise.resolve(told.includes('ended'))).finally(() => {
      stream.stop();
    });
  });

  it('failed sign-ins counted by one process make the other throttle the same address', async () => {
    const from = '127.0.0.3';
    const attempt = (shop: ShopProcess) =>
      apiRequestFrom(from, shop.url, 'POST', '/auth/login', {
        body: { email: 'agent@demo.test', password: 'not-the-password' },
      });
    // Five free failures on this account from this address, spread over both processes.
    for (const shop of [a, b, a, b, a]) expect((await attempt(shop)).status).toBe(401);
    // The sixth fails and starts a wait…
    expect((await attempt(b)).status).toBe(401);
    // …which the other process enforces.
    const throttled = await attempt(a);
    expect(throttled.status).toBe(429);
    expect(errorCode(throttled)).toBe('too_many_attempts');
  });

  it('one per-address request limit covers both processes', async () => {
    const from = '127.0.0.4';
    const refresh = (shop: ShopProcess) =>
      apiRequestFrom(from, shop.url, 'POST', '/auth/refresh', { body: { refreshToken: 'x'.repeat(43) } });
    const statuses: number[] = [];
    // The default limit is 30 auth requests a minute per address.
    for (let i = 0; i < 31; i += 1) statuses.push((await refresh(i % 2 === 0 ? a : b)).status);
    expect(statuses.slice(0, 30).every((s) => s !== 429)).toBe(true);
    expect(statuses[30]).toBe(429);
  });

  it('believes X-Forwarded-For only from a proxy it was told to trust', async () => {
    const forwarded = { 'x-forwarded-for': '203.0.113.9' };
    const login = { email: 'nobody@example.com', password: 'not-the-password' };
    expect(
      (await apiRequestFrom('127.0.0.1', b.url, 'POST', '/auth/login', { body: login, headers: forwarded })).status,
    ).toBe(401);
    expect(
      (await apiRequestFrom('127.0.0.5', b.url, 'POST', '/auth/login', { body: login, headers: forwarded })).status,
    ).toBe(401);
    expect(
      (await apiRequestFrom('127.0.0.1', a.url, 'POST', '/auth/login', { body: login, headers: forwarded })).status,
    ).toBe(401);
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const { rows } = await db
      .query<{ ip: string }>(
        `SELECT ip FROM audit_events WHERE action = 'staff.sign_in_failed' AND details->>'email' = $1 ORDER BY seq`,
        [login.email],
      )
      .finally(() => db.end());
    // B trusts 127.0.0.1 (the client it names counts), not 127.0.0.5; A trusts nobody.
    expect(rows.map((r) => r.ip)).toEqual(['203.0.113.9', '127.0.0.5', '127.0.0.1']);
  });

  it('one process sweeps overdue sessions, once; the other takes over when it is gone', async () => {
    const leaders = await until('an upkeep leader', async () => {
      const held = await upkeepLeaders(database.url);
      return held.length > 0 ? held : null;
    });
    expect(leaders).toHaveLength(1);
    expect([a.child.pid, b.child.pid]).toContain(leaders[0]);

    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      // Another agent: each sign-in spends a TOTP code, and the first test spent this step's code of agent@.
      const started = await startAssistedSession(b.url, db, {
        customerId: JANE.id,
        storeId: 'sto_us',
        mode: 'view',
        staffEmail: 'agent2@demo.test',
      });
      // Nobody reads it again: only the sweep can end it. Its console lease lapsed a minute ago.
      await db.query(`UPDATE assist_sessions SET console_lease_until = now() - interval '1 minute' WHERE id = $1`, [
        started.session.id,
      ]);
      const ends = () =>
        db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_events WHERE action = 'session.end' AND session_id = $1`,
          [started.session.id],
        );
      await until('the sweep to end the session', async () => ((await ends()).rows[0]?.n ?? 0) > 0, 30_000);
      // A moment later, with both processes running: still one end.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect((await ends()).rows[0]?.n).toBe(1);
    } finally {
      await db.end();
    }

    const [leader] = leaders;
    const [gone, stays] = leader === a.child.pid ? [a, b] : [b, a];
    await stopShopProcess(gone.child, 'SIGKILL');
    const next = await until(
      'the other process to lead',
      async () => {
        const held = await upkeepLeaders(database.url);
        return held.length === 1 && held[0] === stays.child.pid ? held : null;
      },
      30_000,
    );
    expect(next).toEqual([stays.child.pid]);
  }, 90_000);
});

/** The shop processes that hold a leader connection (leader or waiting to be one), by pid. */
async function leaderCandidates(databaseUrl: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT application_name AS name FROM pg_stat_activity
        WHERE datname = current_database() AND application_name LIKE 'concierge leader pid %'`,
    );
    return rows.map((r) => Number(/pid (\d+)/.exec(r.name)?.[1])).sort();
  } finally {
    await client.end();
  }
}

/** The two workers' pids, once each holds its leader connection (they run the upkeep round every 10 s). */
const bothWorkers = (databaseUrl: string) =>
  until(
    'both workers',
    async () => {
      const pids = await leaderCandidates(databaseUrl);
      return pids.length === 2 ? pids : null;
    },
    30_000,
  );

describe.runIf(onPostgres)('npm run shop -- --workers 2 [postgres]', () => {
  it('serves from two worker processes on one port, and stops them all on SIGTERM', async () => {
    const database = await newPostgresDatabase(process.env.TEST_DATABASE_URL ?? '', 'concierge_workers');
    const dir = await mkdtemp(join(tmpdir(), 'shop-workers-'));
    try {
      const shop = await startShopProcess(database.url, dir, ['--workers', '2']);
      const stores = await fetch(`${shop.url}/store/us/`);
      expect(stores.status).toBe(200);
      // Each worker runs the upkeep round every 10 s and keeps a leader connection from then on.
      const workers = await bothWorkers(database.url);
      expect(workers).not.toContain(shop.child.pid);
      expect(await upkeepLeaders(database.url)).toHaveLength(1);

      expect(await stopShopProcess(shop.child)).toBe(0);
      for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('starts another worker when one is killed, and says so at warn in the primary’s log file', async () => {
    const database = await newPostgresDatabase(process.env.TEST_DATABASE_URL ?? '', 'concierge_workers');
    const dir = await mkdtemp(join(tmpdir(), 'shop-workers-'));
    const logFile = join(dir, 'logs', 'shop.log');
    try {
      const shop = await startShopProcess(database.url, dir, ['--workers', '2', '--log-file', logFile]);
      const workers = await bothWorkers(database.url);
      const killed = workers[0] ?? 0;
      process.kill(killed, 'SIGKILL');

      const line = await until('the restart in the primary’s log', async () => {
        const text = await readFile(logFile, 'utf8').catch(() => '');
        const entries = text
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        return entries.find((e) => e.workerPid === killed);
      });
      expect(line).toMatchObject({
        level: 'warn',
        module: 'shop',
        pid: shop.child.pid,
        code: null,
        signal: 'SIGKILL',
        msg: expect.stringMatching(/^Shop worker \d+ exited \(SIGKILL\); starting another\.$/) as unknown,
      });
      expect(line.msg).toBe(`Shop worker ${String(line.workerId)} exited (SIGKILL); starting another.`);
      // The new worker serves beside the other: two leader connections again, the killed one's gone.
      const after = await until(
        'a new worker',
        async () => {
          const pids = await leaderCandidates(database.url);
          return pids.length === 2 && !pids.includes(killed) ? pids : null;
        },
        30_000,
      );
      expect(after).toContain(workers[1]);
      expect(await stopShopProcess(shop.child)).toBe(0);
    } finally {
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
