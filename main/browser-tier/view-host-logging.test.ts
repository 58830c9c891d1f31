import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { JANE } from '../../shop/seed/demo';
import { startAssistedSession } from '../../shop/storefront/test-assist';
import type { TestShop } from '../../shop/test/harness';
import { asLogFn, createLogging, type Logging } from '../core/logging';
import { policyFor } from '../core/navigation-policy';
import { describeHits, findSecrets, readLogFiles } from '../test/secret-scan';
import { startDemoShop } from '../test/shop';
import { createPlaywrightViewHost, type PlaywrightViewHost } from './view-host-playwright';

// The incident: with the shop down, each storefront request the view host routed failed, and the
// failure it logged was Playwright's error with its call log: every request header, the customer's
// concierge_assist cookie included.
let shop: TestShop;
let viewHost: PlaywrightViewHost;
let logging: Logging;
let dir = '';
beforeAll(async () => {
  shop = await startDemoShop('pglite');
  dir = await mkdtemp(join(tmpdir(), 'view-host-logs-'));
});
afterAll(async () => {
  await viewHost.dispose();
  await logging.close();
  await shop.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

it('logs a storefront request that fails while the shop is down without the cookie, the handoff code or any header', async () => {
  const terminal = new PassThrough();
  const shown: Buffer[] = [];
  terminal.on('data', (chunk: Buffer) => shown.push(chunk));
  logging = createLogging({ file: join(dir, 'console.log'), terminal });
  const raw: string[] = [];
  const views = asLogFn(logging.logger('views'));
  viewHost = createPlaywrightViewHost({
    previewIntervalMs: 60_000,
    log: (message) => {
      raw.push(message);
      views(message);
    },
  });

  const started = await startAssistedSession(shop.url, shop.ctx.db, {
    customerId: JANE.id,
    storeId: 'sto_us',
    mode: 'view',
  });
  const id = started.session.id;
  const open = {
    session: started.session,
    storeName: 'Concierge Demo US',
    secondsLeft: 600,
    idleSecondsLeft: 600,
    maxSecondsLeft: 1800,
    state: 'open' as const,
    endedMessage: null,
    problem: null,
  };
  await viewHost.open(
    open,
    { index: 0, partition: 'assist-slot-0' },
    started.handoffUrl,
    policyFor([{ baseUrl: `${shop.url}/store/us/` }], [started.handoffUrl]),
    { onActivity: () => undefined, onEndRequested: () => undefined, onTrouble: () => undefined },
  );
  const page = viewHost.page(id)!;
  expect(new URL(page.url()).pathname).toBe('/store/us/');
  const cookie = (await viewHost.context(id)!.cookies()).find((c) => c.name === 'concierge_assist')?.value ?? '';
  expect(cookie).toMatch(/^[\w-]{43}$/);

  await shop.close();
  await page.reload().catch(() => undefined);
  await vi.waitFor(
    () => {
      expect(raw.some((m) => m.startsWith('routing '))).toBe(true);
    },
    { timeout: 20_000 },
  );
  await logging.flush();

  // What the view host says is enough to act on: which page, and why.
  expect(raw.find((m) => m.startsWith('routing '))).toMatch(
    /^routing http:\/\/127\.0\.0\.1:\d+\/store\/us\/ failed: .*ECONNREFUSED/,
  );
  const secrets = [cookie, started.accessToken, new URL(started.handoffUrl).searchParams.get('code') ?? ''];
  const texts = [
    { name: 'raw log calls', text: raw.join('\n') },
    ...(await readLogFiles(dir)),
    { name: 'terminal', text: Buffer.concat(shown).toString('utf8') },
  ];
  const hits = findSecrets(texts, secrets);
  expect(hits, describeHits(hits)).toEqual([]);
  for (const text of texts) expect(text.text, text.name).not.toMatch(/user-agent|Call log/i);
});
