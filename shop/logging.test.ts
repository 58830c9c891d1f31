import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogging } from '../main/core/logging';
import { describeHits, findSecrets, readLogFiles } from '../main/test/secret-scan';
import { buildShop } from './app';
import { refusalAggregator } from './audit/refusal-aggregator';
import { DEFAULT_CONFIG } from './context';
import { startShop, type RunningShop } from './main';
import { JANE } from './seed/demo';
import { startAssistedSession } from './storefront/test-assist';
import { TestBrowser } from './storefront/test-browser';
import { signIn } from './test/auth-helpers';
import { openDatabase } from './db/database';

/** Everything written to the real stderr while a test runs (the shop's terminal output). */
function captureStderr(): () => string {
  const chunks: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  return () => chunks.join('');
}

const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("the shop's logs", () => {
  let dir = '';
  let shop: RunningShop | null = null;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shop-logs-'));
  });
  afterEach(async () => {
    await shop?.close().catch(() => undefined);
    shop = null;
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('log every request and failure to the file and terminal with no token, password, code or cookie, while the database is down', async () => {
    const terminal = captureStderr();
    shop = await startShop({ host: '127.0.0.1', port: 0, logger: true, logFile: join(dir, 'logs', 'shop.log') });
    const secrets: string[] = [];

    // A real assisted session: staff sign-in, step-up, handoff, the assisted cookie.
    const started = await startAssistedSession(shop.url, shop.ctx.db, {
      customerId: JANE.id,
      storeId: 'sto_us',
      mode: 'view',
    });
    const handoff = new URL(started.handoffUrl);
    const agent = new TestBrowser(shop.url);
    expect((await agent.get(`${handoff.pathname}${handoff.search}`)).status).toBe(303);
    const assist = agent.cookies.get('concierge_assist')?.value ?? '';
    expect(assist).toMatch(/^[\w-]{43}$/);
    const jane = new TestBrowser(shop.url);
    expect(
      (await jane.submit('/store/us/signin', '/store/us/signin', { email: JANE.email, password: 'customer-demo' }))
        .status,
    ).toBe(303);
    const customer = [...jane.cookies.values()].map((c) => c.value);
    const tokens = await signIn(shop.url, 'supervisor@demo.test');
    secrets.push(
      assist,
      ...customer,
      started.accessToken,
      handoff.searchParams.get('code') ?? '',
      tokens.accessToken,
      tokens.refreshToken,
      'customer-demo',
      'concierge-demo',
    );
    expect((await agent.get('/store/us/')).status).toBe(200);

    // The database goes away: every request now fails with 500 and is logged with its error.
    await shop.ctx.db.close();
    const both = {
      cookie: `concierge_assist=${assist}; ${[...jane.cookies.entries()].map(([n, c]) => `${n}=${c.value}`).join('; ')}`,
      authorization: `Bearer ${tokens.accessToken}`,
    };
    for (const path of ['/api/v1/me', '/store/us/', '/store/us/account']) {
      const response = await fetch(`${shop.url}${path}`, { headers: both });
      expect(response.status, path).toBe(500);
    }
    await shop.close().catch(() => undefined);
    shop = null;

    const files = await readLogFiles(join(dir, 'logs'));
    const hits = findSecrets([...files, { name: 'terminal', text: terminal() }], secrets);
    expect(hits, describeHits(hits)).toEqual([]);

    const entries = lines(files.find((f) => f.name === 'shop.log')!.text);
    // Requests are there by method and path; the handoff's query keeps its name, not its value.
    const entered = entries.find(
      (e) => e.msg === 'incoming request' && (e.req as { url?: string }).url?.startsWith(handoff.pathname),
    );
    expect(entered).toMatchObject({ module: 'shop', req: { method: 'GET', url: `${handoff.pathname}?code=…` } });
    const failures = entries.filter((e) => e.level === 'error');
    expect(failures.map((e) => e.msg)).toEqual([
      'request failed',
      'storefront request failed',
      'storefront request failed',
    ]);
    for (const failure of failures)
      expect(failure).toMatchObject({ err: { stack: expect.stringMatching(/\n\s+at /) as unknown } });
    expect(terminal()).toMatch(/ERROR \[shop\] request failed reqId=\S+\n {4}\w*Error/);
  });

  it('scrub a handler that logs its request headers and an error that quotes them', async () => {
    const db = await openDatabase({});
    const logging = createLogging({ file: join(dir, 'shop.log') });
    const clock = { now: () => new Date() };
    const app = await buildShop(
      {
        db,
        clock,
        config: { ...DEFAULT_CONFIG, publicOrigin: 'http://127.0.0.1' },
        refusals: refusalAggregator({ db, clock }),
      },
      {
        logger: logging.logger('shop'),
        extraPlugins: [
          (plugin) => {
            plugin.get('/careless', (request) => {
              request.log.warn({ headers: request.headers }, 'what the client sent');
              throw new Error(
                `upstream refused: cookie: ${request.headers.cookie ?? ''}\nauthorization: ${request.headers.authorization ?? ''}`,
              );
            });
          },
        ],
      },
    );
    const response = await app.inject({
      method: 'GET',
      url: '/careless?token=abcdef0123456789abcdef',
      headers: {
        cookie: 'concierge_assist=AssistSecret0123456789abcdefXYZ',
        authorization: 'Bearer AccessSecret0123456789abcdefXYZ',
      },
    });
    expect(response.statusCode).toBe(500);
    expect(response.headers['set-cookie']).toBeUndefined();
    await app.close();
    await db.close();
    await logging.close();

    const files = await readLogFiles(dir);
    const hits = findSecrets(files, [
      'AssistSecret0123456789abcdefXYZ',
      'AccessSecret0123456789abcdefXYZ',
      'abcdef0123456789abcdef',
    ]);
    expect(hits, describeHits(hits)).toEqual([]);
    const entries = lines(files[0]!.text);
    expect(entries.find((e) => e.msg === 'what the client sent')).toMatchObject({
      headers: { cookie: '[redacted]', authorization: '[redacted]' },
    });
    expect(entries.find((e) => e.msg === 'request failed')).toMatchObject({
      err: { message: 'upstream refused: cookie: [redacted]\nauthorization: Bearer [redacted]' },
    });
  });
});
