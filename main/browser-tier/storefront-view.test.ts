import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IpcResponse } from '../../shared/ipc/contract';
import { MAX_TEXT_LENGTH } from '../../shared/ipc/view-input';
import type { TestShop } from '../../shop/test/harness';
import { createAuditPort } from '../core/audit-port';
import { createVault } from '../core/vault';
import { brokenKeychain } from '../test/keychain';
import { DEMO_STAFF_PASSWORD, startDemoShop, totpCodes } from '../test/shop';
import { MJPEG_BOUNDARY } from './mjpeg-response';
import { startBrowserTier, type BrowserTier } from './server';

/**
 * The storefront as the browser tier's console page sees and drives it, through the real server,
 * the real demo shop and system Chromium: the live screencast (`GET /views/<id>/screencast`) and
 * the agent's input (`POST /views/<id>/input`).
 */

const BOUNDS = { x: 0, y: 0, width: 800, height: 500 };

/** An open MJPEG answer, its frames collected as they come. */
interface Watching {
  response: IncomingMessage;
  frames: Buffer[];
  ended: Promise<void>;
  close(): void;
}

/** Splits the multipart body into its JPEG parts, each ended by the boundary and the next part's head. */
function collectFrames(response: IncomingMessage, frames: Buffer[]): void {
  const between = Buffer.from(`\r\n--${MJPEG_BOUNDARY}\r\nContent-Type: image/jpeg\r\n\r\n`);
  let buffer = Buffer.alloc(0);
  let started = false;
  response.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    if (!started) {
      const head = buffer.indexOf('\r\n\r\n');
      if (head < 0) return;
      expect(buffer.subarray(0, head).toString('latin1')).toBe(`--${MJPEG_BOUNDARY}\r\nContent-Type: image/jpeg`);
      buffer = buffer.subarray(head + 4);
      started = true;
    }
    for (let end = buffer.indexOf(between); end >= 0; end = buffer.indexOf(between)) {
      frames.push(buffer.subarray(0, end));
      buffer = buffer.subarray(end + between.length);
    }
  });
}

function watch(url: string): Promise<Watching> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, (response) => {
      const frames: Buffer[] = [];
      collectFrames(response, frames);
      const ended = new Promise<void>((done) => {
        response.on('close', done);
      });
      resolve({ response, frames, ended, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Width and height from a baseline or progressive JPEG's start-of-frame segment. */
function jpegSize(jpeg: Buffer): { width: number; height: number } {
  let at = 2;
  while (at < jpeg.length) {
    const marker = jpeg.readUInt16BE(at);
    if (marker === 0xffc0 || marker === 0xffc2)
      return { height: jpeg.readUInt16BE(at + 5), width: jpeg.readUInt16BE(at + 7) };
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
  throw new Error('no start-of-frame segment');
}

describe('the storefront view of the browser tier', () => {
  let shop: TestShop;
  let tier: BrowserTier;
  let rendererDir: string;
  let dataDir: string;
  let sessionId: string;
  let storefront: Page;

  async function call(channel: string, args: unknown): Promise<IpcResponse<never>> {
    const response = await fetch(`${tier.origin}/ipc/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-concierge-token': tier.token },
      body: JSON.stringify(args),
    });
    return (await response.json()) as IpcResponse<never>;
  }

  function send(input: unknown, id = sessionId): Promise<Response> {
    return fetch(`${tier.origin}/views/${id}/input`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-concierge-token': tier.token },
      body: JSON.stringify(input),
    });
  }

  const screencastUrl = (id = sessionId) => `${tier.origin}/views/${id}/screencast?token=${tier.token}`;

  async function show(id: string | null): Promise<void> {
    expect(await call('sessions.show', id ? { sessionId: id, bounds: BOUNDS } : { sessionId: null })).toEqual({
      ok: true,
      value: {},
    });
  }

  beforeAll(async () => {
    shop = await startDemoShop('pglite', { accessTokenSeconds: 7 * 24 * 3600, stepUpSeconds: 24 * 3600 });
    const code = totpCodes(shop);
    rendererDir = await mkdtemp(join(tmpdir(), 'concierge-renderer-'));
    dataDir = await mkdtemp(join(tmpdir(), 'concierge-console-data-'));
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Concierge</title>');
    tier = await startBrowserTier({
      shopUrl: shop.url,
      rendererDir,
      dataDir,
      vault: createVault({ keychain: brokenKeychain }),
      createAudit: (deps) => createAuditPort({ ...deps, dataDirFor: () => null }),
      log: () => undefined,
    });
    await call('auth.signIn', { shopUrl: shop.url, email: 'agent@demo.test', password: DEMO_STAFF_PASSWORD });
    await call('auth.verifyMfa', { code: code('agent@demo.test') });
    const started = await call('sessions.start', {
      customerId: 'cus_000001',
      accountId: 'acc_000001_us',
      mode: 'view',
      reason: 'Customer called about an order',
      stepUp: { code: code('agent@demo.test') },
    });
    sessionId = (started as { value: { session: { id: string } } }).value.session.id;
    const page = tier.viewHost.page(sessionId);
    if (!page) throw new Error('the session has no view');
    storefront = page;
    await show(sessionId);
    await vi.waitFor(() => {
      expect(storefront.viewportSize()).toEqual({ width: BOUNDS.width, height: BOUNDS.height });
    });
  });

  afterAll(async () => {
    await tier.close();
    await shop.close();
    await rm(rendererDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('streams a page that changes as a flow of frames of the page’s own size', async () => {
    // Something on the page moves all the time, as a spinner or a carousel would.
    await storefront.evaluate(() => {
      const box = document.createElement('div');
      box.id = 'moving';
      Object.assign(box.style, { position: 'fixed', left: '0', top: '0', width: '120px', height: '120px' });
      box.style.background = 'crimson';
      document.body.append(box);
      box.animate([{ transform: 'translateX(0)' }, { transform: 'translateX(600px)' }], {
        duration: 1000,
        iterations: Infinity,
        direction: 'alternate',
      });
    });
    const watching = await watch(screencastUrl());
    try {
      expect(watching.response.statusCode).toBe(200);
      expect(watching.response.headers['content-type']).toBe(`multipart/x-mixed-replace; boundary=${MJPEG_BOUNDARY}`);
      expect(watching.response.headers['cache-control']).toBe('no-store');
      await vi.waitFor(() => {
        expect(watching.frames.length).toBeGreaterThan(0);
      });
      // Counted from the first frame on, past the screencast's start.
      // A flow, not one picture per change of screen: the rate itself is the benchmark's to measure, not a test's.
      const first = watching.frames.length;
      await expect.poll(() => watching.frames.length - first, { timeout: 15_000 }).toBeGreaterThanOrEqual(10);
      const frame = watching.frames.at(-1) ?? Buffer.alloc(0);
      expect([frame[0], frame[1]]).toEqual([0xff, 0xd8]);
      expect(jpegSize(frame)).toEqual({ width: BOUNDS.width, height: BOUNDS.height });
      // The still preview follows the screencast.
      const preview = await fetch(`${tier.origin}/views/${sessionId}/preview.jpg?token=${tier.token}`);
      expect(preview.status).toBe(200);
    } finally {
      watching.close();
      await storefront.evaluate(() => document.getElementById('moving')?.remove());
    }
  });

  it('gives a new viewer the latest frame at once, even of a page that stands still', async () => {
    const first = await watch(screencastUrl());
    await vi.waitFor(() => {
      expect(first.frames.length).toBeGreaterThan(0);
    });
    const second = await watch(screencastUrl());
    await vi.waitFor(
      () => {
        expect(second.frames.length).toBeGreaterThan(0);
      },
      { timeout: 500, interval: 20 },
    );
    first.close();
    second.close();
  });

  it('types text and keys into the storefront, which submits its search as a person’s typing would', async () => {
    const search = storefront.getByRole('searchbox', { name: 'Search products' });
    const box = await search.boundingBox();
    if (!box) throw new Error('no search box');
    expect((await send({ type: 'click', x: box.x + box.width / 2, y: box.y + box.height / 2 })).status).toBe(204);
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
    expect((await send({ type: 'text', text: 'lamq' })).status).toBe(204);
    expect((await send({ type: 'key', key: 'Backspace' })).status).toBe(204);
    expect((await send({ type: 'text', text: 'p' })).status).toBe(204);
    expect(await search.inputValue()).toBe('lamp');
    expect((await send({ type: 'key', key: 'Enter' })).status).toBe(204);
    await storefront.waitForURL(/\/search\?q=lamp$/);
  });

  it('scrolls the page under the wheel', async () => {
    await storefront.evaluate(() => {
      window.scrollTo(0, 0);
      const tall = document.createElement('div');
      tall.style.height = '3000px';
      document.body.append(tall);
    });
    expect((await send({ type: 'wheel', x: 300, y: 300, deltaX: 0, deltaY: 500 })).status).toBe(204);
    await expect.poll(() => storefront.evaluate(() => window.scrollY)).toBeGreaterThan(0);
  });

  it('keeps input under the navigation policy: a click on a link out of the store is refused', async () => {
    await storefront.evaluate(() => {
      const link = document.createElement('a');
      link.href = 'https://elsewhere.example/';
      link.textContent = 'elsewhere';
      Object.assign(link.style, { position: 'fixed', left: '10px', top: '200px', fontSize: '40px' });
      document.body.append(link);
    });
    const box = await storefront.getByRole('link', { name: 'elsewhere' }).boundingBox();
    if (!box) throw new Error('no link');
    expect((await send({ type: 'click', x: box.x + 5, y: box.y + 5 })).status).toBe(204);
    await expect.poll(() => tier.viewHost.blocked(sessionId)).toContain('https://elsewhere.example/');
    await storefront.getByRole('heading', { name: 'Not part of this store' }).waitFor();
    await storefront.goBack();
  });

  it('refuses input it does not know: keys off the list, text too long or with control characters', async () => {
    for (const input of [
      { type: 'key', key: 'F5' },
      { type: 'key', key: 'Control+Alt+Meta+Shift+a' },
      { type: 'key', key: 'Enter ' },
      { type: 'text', text: 'x'.repeat(MAX_TEXT_LENGTH + 1) },
      { type: 'text', text: 'a\nb' },
      { type: 'text', text: '' },
      { type: 'wheel', x: 1, y: 1, deltaX: 0, deltaY: 1e9 },
      { type: 'click', x: -1, y: 0 },
      { type: 'move', x: 1, y: 1 },
      { type: 'text', text: 'a', extra: true },
    ]) {
      const refused = await send(input);
      expect(refused.status, JSON.stringify(input).slice(0, 80)).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { code: 'bad_input' } });
    }
    expect((await send({ type: 'key', key: 'Shift+Tab' })).status).toBe(204);
    expect((await send({ type: 'key', key: 'Control+a' })).status).toBe(204);
    expect((await send({ type: 'text', text: 'x'.repeat(MAX_TEXT_LENGTH) })).status).toBe(204);
  });

  it('takes the older click-only form at /click', async () => {
    const click = (body: unknown) =>
      fetch(`${tier.origin}/views/${sessionId}/click`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-concierge-token': tier.token },
        body: JSON.stringify(body),
      });
    expect((await click({ x: 10, y: 10 })).status).toBe(204);
    expect((await click({ x: 'a' })).status).toBe(400);
  });

  it('answers only the shown session, for the token only; hiding the view ends its screencast', async () => {
    const unknown = 'ses_unknown';
    expect((await send({ type: 'text', text: 'a' }, unknown)).status).toBe(404);
    expect((await fetch(screencastUrl(unknown))).status).toBe(404);
    expect((await fetch(`${tier.origin}/views/${sessionId}/screencast`)).status).toBe(401);
    expect((await fetch(screencastUrl(), { method: 'POST' })).status).toBe(401);
    expect(
      (await fetch(screencastUrl(), { method: 'POST', headers: { 'x-concierge-token': tier.token } })).status,
    ).toBe(405);
    expect(
      (await fetch(`${tier.origin}/views/${sessionId}/input`, { headers: { 'x-concierge-token': tier.token } })).status,
    ).toBe(405);

    const watching = await watch(screencastUrl());
    await show(null);
    await watching.ended;
    const notShown = await send({ type: 'text', text: 'a' });
    expect(notShown.status).toBe(404);
    expect(await notShown.json()).toMatchObject({ error: { code: 'no_view' } });

    // Shown again, it streams again.
    await show(sessionId);
    const again = await watch(screencastUrl());
    await vi.waitFor(() => {
      expect(again.frames.length).toBeGreaterThan(0);
    });
    again.close();
  });

  it('ends the screencast when the session’s view closes', async () => {
    const watching = await watch(screencastUrl());
    await vi.waitFor(() => {
      expect(watching.frames.length).toBeGreaterThan(0);
    });
    expect(await call('sessions.end', { sessionId })).toMatchObject({ ok: true });
    await watching.ended;
    expect((await fetch(screencastUrl())).status).toBe(404);
  });
});
