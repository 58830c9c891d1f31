import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Store } from '../shared/api/shop';
import { banner, parseCli, UsageError } from './cli';
import { isLoopbackHost, startShop, StartError, type RunningShop } from './main';
import { apiRequest, signIn } from './test/auth-helpers';
import { describeBackends, type Backend } from './test/harness';

describe('parseCli', () => {
  it('defaults to loopback, port 4310, .data/shop and demo data', () => {
    expect(parseCli([], {})).toEqual({
      help: false, quiet: false, host: '127.0.0.1', port: 4310, dataDir: '.data/shop', seed: 'demo', allowDemoOnPublicHost: false, logger: false,
    });
  });

  it('reads every flag and DATABASE_URL', () => {
    const options = parseCli(['--port', '4999', '--data-dir', '/tmp/x', '--seed', 'scale', '--customers', '1000000', '--host', '0.0.0.0', '--allow-demo-on-public-host', '--log', '--log-file', '/tmp/x/shop.log'], { DATABASE_URL: 'postgres://db/shop' });
    expect(options).toMatchObject({ port: 4999, dataDir: '/tmp/x', seed: 'scale', customers: 1_000_000, host: '0.0.0.0', allowDemoOnPublicHost: true, logger: true, logFile: '/tmp/x/shop.log', databaseUrl: 'postgres://db/shop' });
  });

  it('refuses bad flags with a usage error', () => {
    for (const args of [['--bogus'], ['--port', 'abc'], ['--port', '70000'], ['--seed', 'everything'], ['--customers', '10'], ['--seed', 'scale', '--customers', '-5'], ['stray']]) {
      expect(() => parseCli(args, {}), args.join(' ')).toThrow(UsageError);
    }
  });

  it('prints where it listens, the stores and how to sign in', () => {
    const text = banner('http://127.0.0.1:4310', [{ name: 'Concierge Demo US', baseUrl: 'http://127.0.0.1:4310/store/us/' }], { seed: 'demo' });
    expect(text).toContain('http://127.0.0.1:4310/store/us/');
    expect(text).toContain('agent@demo.test');
    expect(text).toContain('concierge-demo');
    expect(text).toContain('npm run totp -- agent@demo.test');
  });
});

describe('isLoopbackHost', () => {
  it('accepts loopback addresses only', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com', '10.0.0.1', '128.0.0.1']) expect(isLoopbackHost(host), host).toBe(false);
  });
});

/** Where startShop keeps its data on each backend: in-memory PGlite, or a new PostgreSQL database. */
async function databaseFor(backend: Backend): Promise<{ databaseUrl?: string; drop(): Promise<void> }> {
  const server = process.env.TEST_DATABASE_URL;
  if (backend === 'pglite' || !server) return { drop: () => Promise.resolve() };
  const name = `concierge_cli_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: server });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

describeBackends('startShop', (backend) => {
  let shop: RunningShop;
  let database: Awaited<ReturnType<typeof databaseFor>>;
  beforeAll(async () => {
    database = await databaseFor(backend);
    shop = await startShop({ host: '127.0.0.1', port: 0, ...(database.databaseUrl ? { databaseUrl: database.databaseUrl } : {}) });
  });
  afterAll(async () => {
    await shop.close();
    await database.drop();
  });

  it('serves the demo shop on loopback: staff can sign in and see the stores at the real port', async () => {
    expect(shop.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { accessToken } = await signIn(shop.url, 'agent@demo.test');
    const stores = z.array(Store).parse((await apiRequest(shop.url, 'GET', '/stores', { token: accessToken })).json);
    expect(stores.map((s) => s.baseUrl)).toEqual([`${shop.url}/store/eu/`, `${shop.url}/store/us/`]);
  });

  it('reports a port in use clearly', async () => {
    const port = Number(new URL(shop.url).port);
    await expect(startShop({ host: '127.0.0.1', port, seed: 'none', ...(database.databaseUrl ? { databaseUrl: database.databaseUrl } : {}) }))
      .rejects.toThrow(/already in use/);
  });

  it('refuses to serve a database holding demo staff on a public host', async () => {
    // PGlite allows one process per data directory, so it gets its own seeded directory here.
    const dir = backend === 'pglite' ? await mkdtemp(join(tmpdir(), 'concierge-cli-')) : null;
    const location = database.databaseUrl ? { databaseUrl: database.databaseUrl } : { dataDir: dir ?? '' };
    try {
      if (dir) await (await startShop({ host: '127.0.0.1', port: 0, ...location })).close();
      await expect(startShop({ host: '0.0.0.0', port: 0, seed: 'none', ...location })).rejects.toThrow(/holds the demo staff/);
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('startShop on a non-loopback host', () => {
  it('refuses to load demo data without the explicit flag', async () => {
    await expect(startShop({ host: '0.0.0.0', port: 0 })).rejects.toThrow(StartError);
    await expect(startShop({ host: '0.0.0.0', port: 0, seed: 'scale', customers: 10 })).rejects.toThrow(/not a loopback address/);
  });

  it('starts without demo data, or with it when told explicitly', async () => {
    const empty = await startShop({ host: '0.0.0.0', port: 0, seed: 'none' });
    try {
      expect((await empty.ctx.db.query('SELECT 1 FROM staff')).rows).toEqual([]);
    } finally {
      await empty.close();
    }
    const demo = await startShop({ host: '0.0.0.0', port: 0, allowDemoOnPublicHost: true });
    try {
      expect((await demo.ctx.db.query('SELECT 1 FROM customers')).rows.length).toBeGreaterThan(100);
    } finally {
      await demo.close();
    }
  });
});
