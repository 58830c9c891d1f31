import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Store } from '../shared/api/shop';
import { banner, parseCli, USAGE, UsageError } from './cli';
import { isLoopbackHost, startShop, StartError, type RunningShop } from './main';
import { JANE } from './seed/demo';
import { csrfOf, TestBrowser } from './storefront/test-browser';
import { startAssistedSession } from './storefront/test-assist';
import { apiRequest, signIn } from './test/auth-helpers';
import { describeBackends, newPostgresDatabase, type Backend } from './test/harness';

describe('parseCli', () => {
  it('defaults to loopback, port 4310, .data/shop and demo data', () => {
    expect(parseCli([], {})).toEqual({
      help: false,
      quiet: false,
      rotateAuditKey: false,
      host: '127.0.0.1',
      port: 4310,
      dataDir: '.data/shop',
      seed: 'demo',
      allowDemoOnPublicHost: false,
      logger: false,
      workers: 1,
    });
  });

  it('reads --trust-proxy as addresses and CIDR ranges, and refuses anything else', () => {
    expect(parseCli(['--trust-proxy', '10.0.0.5, 10.0.1.0/24,::1'], {}).trustedProxies).toEqual([
      '10.0.0.5',
      '10.0.1.0/24',
      '::1',
    ]);
    for (const bad of ['', 'balancer.local', '10.0.0.0/33', '10.0.0.1/8/2'])
      expect(() => parseCli(['--trust-proxy', bad], {})).toThrow(/--trust-proxy takes IP addresses/);
  });

  it('runs several workers only on PostgreSQL: PGlite lives inside one process', () => {
    expect(parseCli(['--workers', '3'], { DATABASE_URL: 'postgres://db/shop' }).workers).toBe(3);
    expect(() => parseCli(['--workers', '2'], {})).toThrow(/needs PostgreSQL \(DATABASE_URL\)/);
    expect(() => parseCli(['--workers', '0'], { DATABASE_URL: 'postgres://db/shop' })).toThrow(UsageError);
    expect(parseCli(['--workers', '1'], {}).workers).toBe(1);
  });

  it('reads every flag and DATABASE_URL', () => {
    const options = parseCli(
      [
        '--port',
        '4999',
        '--data-dir',
        '/tmp/x',
        '--seed',
        'scale',
        '--customers',
        '1000000',
        '--host',
        '0.0.0.0',
        '--allow-demo-on-public-host',
        '--log',
        '--log-file',
        '/tmp/x/shop.log',
      ],
      { DATABASE_URL: 'postgres://db/shop' },
    );
    expect(options).toMatchObject({
      port: 4999,
      dataDir: '/tmp/x',
      seed: 'scale',
      customers: 1_000_000,
      host: '0.0.0.0',
      allowDemoOnPublicHost: true,
      logger: true,
      logFile: '/tmp/x/shop.log',
      databaseUrl: 'postgres://db/shop',
    });
  });

  it('reads the audit key file, the key from the environment, and the rotation command', () => {
    const seed = 'A'.repeat(43);
    expect(parseCli(['--audit-key-file', '/keys/shop.json'], { CONCIERGE_AUDIT_SIGNING_KEY: seed })).toMatchObject({
      auditKeyFile: '/keys/shop.json',
      auditSigningKey: seed,
      rotateAuditKey: false,
    });
    const rotate = parseCli(['--rotate-audit-key', '--data-dir', '/tmp/x'], {});
    expect(rotate).toMatchObject({ rotateAuditKey: true, dataDir: '/tmp/x' });
    expect(rotate).not.toHaveProperty('auditKeyFile');
    expect(() => parseCli(['--rotate-audit-key'], { CONCIERGE_AUDIT_SIGNING_KEY: seed })).toThrow(
      /CONCIERGE_AUDIT_SIGNING_KEY is set/,
    );
    expect(() => parseCli(['--audit-key-file', ''], {})).toThrow(/needs a path/);
    expect(USAGE).toContain('--audit-key-file <path>');
    expect(USAGE).toContain('--rotate-audit-key');
  });

  it('takes the public URL as an origin, and refuses one with a path or another scheme', () => {
    expect(parseCli(['--public-url', 'https://shop.example/'], {}).publicUrl).toBe('https://shop.example');
    for (const url of [
      'shop.example',
      'ftp://shop.example',
      'https://shop.example/shop',
      'https://user:pw@shop.example',
      'https://shop.example/?a=1',
    ]) {
      expect(() => parseCli(['--public-url', url], {}), url).toThrow(UsageError);
    }
  });

  it('refuses bad flags with a usage error', () => {
    for (const args of [
      ['--bogus'],
      ['--port', 'abc'],
      ['--port', '70000'],
      ['--seed', 'everything'],
      ['--customers', '10'],
      ['--seed', 'scale', '--customers', '-5'],
      ['stray'],
    ]) {
      expect(() => parseCli(args, {}), args.join(' ')).toThrow(UsageError);
    }
  });

  it('prints where it listens, the stores and how to sign in', () => {
    const text = banner(
      'http://127.0.0.1:4310',
      [{ name: 'Concierge Demo US', baseUrl: 'http://127.0.0.1:4310/store/us/' }],
      { seed: 'demo' },
    );
    expect(text).toContain('http://127.0.0.1:4310/store/us/');
    expect(text).toContain('agent@demo.test');
    expect(text).toContain('concierge-demo');
    expect(text).toContain('npm run totp -- agent@demo.test');
  });
});

describe('isLoopbackHost', () => {
  it('accepts loopback addresses only', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com', '10.0.0.1', '128.0.0.1'])
      expect(isLoopbackHost(host), host).toBe(false);
  });
});

/**
 * Over the shop's listening address, as a TLS proxy would forward: an act-mode session with Jane
 * entered through its handoff URL, the cookies the shop set (pre-session, assisted), the stores'
 * URLs, and a cart form sent with a given Origin.
 */
async function assistedVisit(running: RunningShop, staffEmail: string) {
  const visitor = new TestBrowser(running.url);
  const preCookies = (await visitor.get('/store/us/')).headers.getSetCookie();
  const started = await startAssistedSession(running.url, running.ctx.db, {
    customerId: JANE.id,
    storeId: 'sto_us',
    mode: 'act',
    staffEmail,
  });
  const stores = z
    .array(Store)
    .parse((await apiRequest(running.url, 'GET', '/stores', { token: started.accessToken })).json)
    .map((s) => s.baseUrl);
  const agent = new TestBrowser(running.url);
  const handoff = new URL(started.handoffUrl);
  const entered = await agent.get(`${handoff.pathname}${handoff.search}`);
  expect(entered.status).toBe(303);
  const addToCart = async (origin: string) => {
    const product = await agent.get('/store/us/product/earl-grey');
    const productId = /name="productId" value="([^"]+)"/.exec(product.html)?.[1] ?? '';
    const body = new URLSearchParams({ _csrf: csrfOf(product.html), productId, quantity: '1' }).toString();
    return (
      await agent.request('POST', '/store/us/cart/add', {
        body,
        contentType: 'application/x-www-form-urlencoded',
        headers: { origin },
      })
    ).status;
  };
  return {
    handoffUrl: started.handoffUrl,
    stores,
    cookies: [...preCookies, ...entered.headers.getSetCookie()],
    addToCart,
  };
}

/** Where startShop keeps its data on each backend: in-memory PGlite, or a new PostgreSQL database. */
async function databaseFor(backend: Backend): Promise<{ databaseUrl?: string; drop(): Promise<void> }> {
  const server = process.env.TEST_DATABASE_URL;
  if (backend === 'pglite' || !server) return { drop: () => Promise.resolve() };
  const database = await newPostgresDatabase(server, 'concierge_cli');
  return { databaseUrl: database.url, drop: () => database.drop() };
}

describeBackends('startShop', (backend) => {
  let shop: RunningShop;
  let database: Awaited<ReturnType<typeof databaseFor>>;
  beforeAll(async () => {
    database = await databaseFor(backend);
    shop = await startShop({
      host: '127.0.0.1',
      port: 0,
      ...(database.databaseUrl ? { databaseUrl: database.databaseUrl } : {}),
    });
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

  it('follows --public-url: store and handoff URLs on its origin, Secure cookies, its forms accepted; by default neither', async () => {
    const location = database.databaseUrl ? { databaseUrl: database.databaseUrl } : {};
    const behindTls = await startShop({ host: '127.0.0.1', port: 0, publicUrl: 'https://shop.example', ...location });
    try {
      const tls = await assistedVisit(behindTls, 'agent2@demo.test');
      expect(tls.handoffUrl).toMatch(/^https:\/\/shop\.example\/store\/us\/assist\/enter\?code=/);
      expect(tls.stores).toEqual(['https://shop.example/store/eu/', 'https://shop.example/store/us/']);
      expect(tls.cookies).toHaveLength(2);
      for (const cookie of tls.cookies) expect(cookie).toMatch(/; Secure/);
      // The browser's Origin is the public URL; another site's is still refused.
      expect(await tls.addToCart('https://shop.example')).toBe(303);
      expect(await tls.addToCart('https://evil.example')).toBe(403);
      expect(behindTls.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(behindTls.publicUrl).toBe('https://shop.example');
    } finally {
      await behindTls.close();
    }
    const plain = await assistedVisit(shop, 'supervisor@demo.test');
    expect(plain.handoffUrl.startsWith(`${shop.url}/store/us/assist/enter?code=`)).toBe(true);
    expect(plain.cookies).toHaveLength(2);
    for (const cookie of plain.cookies) expect(cookie).not.toMatch(/Secure/i);
    expect(await plain.addToCart(shop.url)).toBe(303);
  });

  it('reports a port in use clearly', async () => {
    const port = Number(new URL(shop.url).port);
    await expect(
      startShop({
        host: '127.0.0.1',
        port,
        seed: 'none',
        ...(database.databaseUrl ? { databaseUrl: database.databaseUrl } : {}),
      }),
    ).rejects.toThrow(/already in use/);
  });

  it('refuses to serve a database holding demo staff on a public host', async () => {
    // PGlite allows one process per data directory, so it gets its own seeded directory here.
    const dir = backend === 'pglite' ? await mkdtemp(join(tmpdir(), 'concierge-cli-')) : null;
    const location = database.databaseUrl ? { databaseUrl: database.databaseUrl } : { dataDir: dir ?? '' };
    try {
      if (dir) await (await startShop({ host: '127.0.0.1', port: 0, ...location })).close();
      await expect(startShop({ host: '0.0.0.0', port: 0, seed: 'none', ...location })).rejects.toThrow(
        /holds the demo staff/,
      );
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('startShop on a non-loopback host', () => {
  it('refuses to load demo data without the explicit flag', async () => {
    await expect(startShop({ host: '0.0.0.0', port: 0 })).rejects.toThrow(StartError);
    await expect(startShop({ host: '0.0.0.0', port: 0, seed: 'scale', customers: 10 })).rejects.toThrow(
      /not a loopback address/,
    );
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
