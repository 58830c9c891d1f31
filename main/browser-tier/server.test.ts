import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseContentDisposition } from 'content-disposition';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { IpcResponse, IpcValue } from '../../shared/ipc/contract';
import { describeAgainstOneShop, type TestShop } from '../../shop/test/harness';
import { createAuditPort } from '../core/audit-port';
import { CallCancelledError } from '../core/errors';
import type { CallContext } from '../core/ipc-handlers';
import { createVault } from '../core/vault';
import { brokenKeychain } from '../test/keychain';
import { DEMO_STAFF_PASSWORD, startDemoShop, totpCodes } from '../test/shop';
import { startBrowserTier, type BrowserTier } from './server';

/** A raw request, so tests can send any Host/Origin header. */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** The first event of a Server-Sent Events stream. */
async function firstEvent(url: string): Promise<{ event: string; data: unknown }> {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal });
  const reader = response.body!.getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended before an event');
      buffer += new TextDecoder().decode(value);
      const event = /^event: (.+)\ndata: (.+)$/m.exec(buffer);
      if (event) return { event: event[1] ?? '', data: JSON.parse(event[2] ?? '') as unknown };
    }
  } finally {
    abort.abort();
  }
}

describeAgainstOneShop('browser tier server', (backend) => {
  let shop: TestShop;
  let tier: BrowserTier;
  let rendererDir: string;
  let dataDir: string;
  let code: (email: string) => string;

  async function call(channel: string, args: unknown): Promise<IpcResponse<never>> {
    const response = await fetch(`${tier.origin}/ipc/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-concierge-token': tier.token },
      body: JSON.stringify(args),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as IpcResponse<never>;
  }

  beforeAll(async () => {
    shop = await startDemoShop(backend, { accessTokenSeconds: 7 * 24 * 3600, stepUpSeconds: 24 * 3600 });
    code = totpCodes(shop);
    rendererDir = await mkdtemp(join(tmpdir(), 'concierge-renderer-'));
    dataDir = await mkdtemp(join(tmpdir(), 'concierge-console-data-'));
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Concierge</title>');
    await writeFile(join(tmpdir(), 'concierge-secret.txt'), 'outside');
    tier = await startBrowserTier({
      shopUrl: shop.url,
      rendererDir,
      dataDir,
      vault: createVault({ keychain: brokenKeychain }),
      createAudit: (deps) => createAuditPort({ ...deps, dataDirFor: () => null }),
      pollIntervalMs: 200,
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await tier.close();
    await shop.close();
    await rm(rendererDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the renderer with a CSP and nothing outside its folder', async () => {
    expect(tier.url).toBe(`${tier.origin}/?token=${tier.token}`);
    expect(tier.token).toMatch(/^[0-9a-f]{64}$/);
    const page = await fetch(`${tier.origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(await page.text()).toMatch(/Concierge/);
    for (const path of [
      '/../concierge-secret.txt',
      '/%2e%2e/concierge-secret.txt',
      '/..%2fconcierge-secret.txt',
      '/nope.js',
    ]) {
      expect((await raw(`${tier.origin}${path}`)).status, path).toBe(404);
    }
  });

  it('refuses calls without the token, from other origins or other host names', async () => {
    const url = `${tier.origin}/ipc/auth.state`;
    const json = { 'content-type': 'application/json' };
    expect((await raw(url, { method: 'POST', headers: json, body: '{}' })).status).toBe(401);
    expect(
      (await raw(url, { method: 'POST', headers: { ...json, 'x-concierge-token': 'f'.repeat(64) }, body: '{}' }))
        .status,
    ).toBe(401);
    expect(
      (
        await raw(url, {
          method: 'POST',
          headers: { ...json, 'x-concierge-token': tier.token, origin: 'http://evil.test' },
          body: '{}',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await raw(url, {
          method: 'POST',
          headers: { ...json, 'x-concierge-token': tier.token, host: 'evil.test' },
          body: '{}',
        })
      ).status,
    ).toBe(403);
    expect((await raw(`${tier.origin}/ipc/events`)).status).toBe(401);
    expect((await raw(`${tier.origin}/views/ses_1/preview.jpg`)).status).toBe(401);
    const withToken = { ...json, 'x-concierge-token': tier.token };
    expect((await raw(`${tier.origin}/ipc/auth.nope`, { method: 'POST', headers: withToken, body: '{}' })).status).toBe(
      404,
    );
    expect(
      (
        await raw(url, {
          method: 'POST',
          headers: { 'x-concierge-token': tier.token, 'content-type': 'text/plain' },
          body: '{}',
        })
      ).status,
    ).toBe(415);
    expect((await raw(url, { method: 'POST', headers: withToken, body: '{nope' })).status).toBe(400);
    expect((await raw(url, { method: 'POST', headers: withToken, body: 'x'.repeat(1024 * 1024 + 10) })).status).toBe(
      413,
    );
    const ok = await raw(url, { method: 'POST', headers: { ...withToken, origin: tier.origin }, body: '{}' });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { status: 'signed_out' } });
    expect(await call('auth.verifyMfa', { code: 'abc' })).toMatchObject({ ok: false, error: { kind: 'validation' } });
  });

  it('cancels a call whose client closes the connection before the answer, and only then', async () => {
    const handlers = tier.core.handlers as unknown as Record<
      string,
      (args: unknown, context: CallContext) => Promise<unknown>
    >;
    const original = handlers['auth.state'];
    const signals: AbortSignal[] = [];
    try {
      // A call that ends only when cancelled, as a slow shop request would.
      handlers['auth.state'] = (_args, context) =>
        new Promise((_resolve, reject) => {
          if (context.signal) signals.push(context.signal);
          context.signal?.addEventListener('abort', () => {
            reject(new CallCancelledError());
          });
        });
      const abort = new AbortController();
      const request = fetch(`${tier.origin}/ipc/auth.state`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-concierge-token': tier.token },
        body: '{}',
        signal: abort.signal,
      }).catch((e: unknown) => e);
      await vi.waitFor(() => {
        expect(signals).toHaveLength(1);
      });
      expect(signals[0]?.aborted).toBe(false);
      abort.abort();
      expect(await request).toMatchObject({ name: 'AbortError' });
      await vi.waitFor(() => {
        expect(signals[0]?.aborted).toBe(true);
      });

      // A call answered in full is not cancelled afterwards.
      handlers['auth.state'] = (args, context) => {
        if (context.signal) signals.push(context.signal);
        return original!(args, context);
      };
      expect(await call('auth.state', {})).toMatchObject({ ok: true, value: { status: 'signed_out' } });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(signals.map((s) => s.aborted)).toEqual([true, false]);
    } finally {
      handlers['auth.state'] = original!;
    }
  });

  it('tells runs apart: two servers with the same token have different instance ids, in the hello event and at /ipc/hello', async () => {
    const token = 'ab'.repeat(32);
    const dirs: string[] = [];
    const start = async () => {
      const runDir = await mkdtemp(join(tmpdir(), 'concierge-console-data-'));
      dirs.push(runDir);
      return startBrowserTier({
        shopUrl: shop.url,
        rendererDir,
        dataDir: runDir,
        token,
        vault: createVault({ keychain: brokenKeychain }),
        createAudit: (deps) => createAuditPort({ ...deps, dataDirFor: () => null }),
        log: () => undefined,
      });
    };
    const runs = [await start(), await start()];
    try {
      const ids = runs.map((run) => run.instanceId);
      expect(ids[0]).toMatch(/^[0-9a-f]{32}$/);
      expect(ids[1]).toMatch(/^[0-9a-f]{32}$/);
      expect(ids[1]).not.toBe(ids[0]);
      for (const run of runs) {
        expect(run.token).toBe(token);
        const hello = await fetch(`${run.origin}/ipc/hello`, { headers: { 'x-concierge-token': token } });
        expect(await hello.json()).toEqual({ instanceId: run.instanceId });
        expect((await raw(`${run.origin}/ipc/hello`)).status).toBe(401);
        expect(await firstEvent(`${run.origin}/ipc/events?token=${token}`)).toEqual({
          event: 'hello',
          data: { instanceId: run.instanceId },
        });
      }
    } finally {
      for (const run of runs) await run.close();
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    }
  });

  it('carries a whole assisted session: events, sign-in, start, preview, click, audit, and ends it when closing', async () => {
    // Events: the stream opens with the current state and follows every change.
    const events: { event: string; data: unknown }[] = [];
    const abort = new AbortController();
    const stream = await fetch(`${tier.origin}/ipc/events?token=${tier.token}`, { signal: abort.signal });
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reading = (async () => {
      const reader = stream.body!.getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += new TextDecoder().decode(value);
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.+)$/m.exec(frame)?.[1];
          const data = /^data: (.+)$/m.exec(frame)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as unknown });
        }
      }
    })().catch(() => undefined);
    await vi.waitFor(() => {
      expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['auth.changed', 'sessions.changed']));
    });

    await call('auth.signIn', { shopUrl: shop.url, email: 'agent@demo.test', password: DEMO_STAFF_PASSWORD });
    expect(await call('auth.verifyMfa', { code: code('agent@demo.test') })).toMatchObject({
      ok: true,
      value: { status: 'signed_in' },
    });
    await vi.waitFor(() => {
      expect(
        events.some((e) => e.event === 'auth.changed' && (e.data as { status: string }).status === 'signed_in'),
      ).toBe(true);
    });

    const started = await call('sessions.start', {
      customerId: 'cus_000001',
      accountId: 'acc_000001_us',
      mode: 'view',
      reason: 'Customer called about an order',
      stepUp: { code: code('agent@demo.test') },
    });
    expect(started).toMatchObject({ ok: true, value: { state: 'open', storeName: 'Concierge Demo US' } });
    const sessionId = (started as { value: { session: { id: string } } }).value.session.id;
    await vi.waitFor(() => {
      expect(events.some((e) => e.event === 'sessions.changed' && JSON.stringify(e.data).includes(sessionId))).toBe(
        true,
      );
    });

    expect(await call('sessions.show', { sessionId, bounds: { x: 0, y: 0, width: 1000, height: 700 } })).toEqual({
      ok: true,
      value: {},
    });
    await vi.waitFor(() => {
      expect(tier.viewHost.page(sessionId)?.viewportSize()).toEqual({ width: 1000, height: 700 });
    });
    expect(tier.viewHost.shown()).toBe(sessionId);
    await vi.waitFor(
      async () => {
        const preview = await fetch(`${tier.origin}/views/${sessionId}/preview.jpg?token=${tier.token}`);
        expect(preview.status).toBe(200);
        expect(preview.headers.get('content-type')).toBe('image/jpeg');
        expect(preview.headers.get('cache-control')).toBe('no-store');
        const bytes = new Uint8Array(await preview.arrayBuffer());
        expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
      },
      { timeout: 15_000, interval: 250 },
    );
    const click = await fetch(`${tier.origin}/views/${sessionId}/click`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-concierge-token': tier.token },
      body: JSON.stringify({ x: 10, y: 10 }),
    });
    expect(click.status).toBe(204);
    const badClick = await fetch(`${tier.origin}/views/${sessionId}/click`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-concierge-token': tier.token },
      body: JSON.stringify({ x: 'a' }),
    });
    expect(badClick.status).toBe(400);

    // The audit mirror syncs the agent's own events from the shop.
    const synced = await call('audit.sync', {});
    expect(synced).toMatchObject({ ok: true, value: { state: 'idle', verification: { ok: true } } });
    const query = await call('audit.query', { filter: { sessionId }, offset: 0, limit: 50 });
    expect(query).toMatchObject({ ok: true });
    expect((query as { value: { events: { action: string }[] } }).value.events.map((e) => e.action)).toContain(
      'session.start',
    );
    await downloadsOnce(await call('audit.export', { filter: { sessionId }, format: 'csv' }), sessionId);
    // An export nobody downloads is deleted when the console stops.
    const left = await call('audit.export', { filter: { sessionId }, format: 'jsonl' });
    expect(left).toMatchObject({
      ok: true,
      value: { delivery: { kind: 'download', fileName: expect.stringMatching(/\.jsonl$/) as unknown } },
    });
    expect(await readdir(join(dataDir, 'exports'))).toHaveLength(1);

    abort.abort();
    await reading;
    const agentSession = await tier.core.auth.client().session(sessionId);
    expect(agentSession.status).toBe('active');
    await tier.close();
    expect(await readdir(join(dataDir, 'exports'))).toEqual([]);
    // Closing ended the session at the shop (app exit), as quitting Electron does.
    const check = await fetch(`${shop.url}/api/v1/assist-sessions/${sessionId}`, {
      headers: { authorization: `Bearer ${await supervisorToken()}` },
    });
    expect(await check.json()).toMatchObject({ status: 'ended', endReason: 'app_exit' });
  });

  /** A browser-tier export: a one-time download of a private file, for the token only, deleted once fetched. */
  async function downloadsOnce(exported: IpcResponse<never>, sessionId: string): Promise<void> {
    expect(exported).toMatchObject({ ok: true, value: { delivery: { kind: 'download' } } });
    const { count, delivery } = (exported as unknown as { value: IpcValue<'audit.export'> }).value;
    if (delivery?.kind !== 'download') throw new Error('not a download');
    expect(delivery.fileName).toMatch(/^concierge-audit-[0-9TZ-]+\.csv$/);
    const exportsDir = join(dataDir, 'exports');
    expect(await readdir(exportsDir)).toEqual([`${delivery.downloadId}.csv`]);
    const url = `${tier.origin}/exports/${delivery.downloadId}`;
    const withToken = { 'x-concierge-token': tier.token };
    expect((await raw(url)).status).toBe(401);
    expect((await raw(url, { headers: { 'x-concierge-token': 'f'.repeat(64) } })).status).toBe(401);
    expect((await raw(`${url}?token=${'f'.repeat(64)}`)).status).toBe(401);
    for (const path of [
      '/exports/..%2f..%2fconcierge-secret.txt',
      `/exports/${delivery.downloadId}%2f..%2f..%2fconcierge-secret.txt`,
      `/exports/${delivery.downloadId}.csv`,
      `/exports/${'0'.repeat(32)}`,
      '/exports/',
    ]) {
      expect((await raw(`${tier.origin}${path}`, { headers: withToken })).status, path).toBe(404);
    }
    expect(
      (await raw(url, { method: 'POST', headers: { ...withToken, 'content-type': 'application/json' }, body: '{}' }))
        .status,
    ).toBe(405);

    const download = await raw(url, { headers: withToken });
    expect(download.status).toBe(200);
    expect(parseContentDisposition(String(download.headers['content-disposition']))).toEqual({
      type: 'attachment',
      parameters: { filename: delivery.fileName },
    });
    expect(download.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(download.headers['cache-control']).toBe('no-store');
    const lines = download.body.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^seq,id,at,action,/);
    expect(lines).toHaveLength(count + 1);
    expect(count).toBeGreaterThan(0);
    expect(lines.slice(1).every((line) => line.includes(sessionId))).toBe(true);
    expect(download.body).toContain('session.start');
    // Fetched once: the file is gone and the id answers no more.
    await vi.waitFor(async () => {
      expect(await readdir(exportsDir)).toEqual([]);
    });
    expect((await raw(url, { headers: withToken })).status).toBe(404);
    expect((await raw(`${url}?token=${tier.token}`)).status).toBe(404);
  }

  async function supervisorToken(): Promise<string> {
    const login = await fetch(`${shop.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'supervisor@demo.test', password: DEMO_STAFF_PASSWORD }),
    });
    const { mfaToken } = (await login.json()) as { mfaToken: string };
    const mfa = await fetch(`${shop.url}/api/v1/auth/mfa`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mfaToken, code: code('supervisor@demo.test') }),
    });
    return ((await mfa.json()) as { accessToken: string }).accessToken;
  }
});
