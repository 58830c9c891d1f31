import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAuditPort } from '../core/audit-port';
import { createVault } from '../core/vault';
import { brokenKeychain } from '../test/keychain';
import { startBrowserTier, type BrowserTier } from './server';

/**
 * The browser tier's HTTP edges through its real server, without a shop (nothing here reaches
 * it) and without Chromium (no view is opened): who may call (caller-check.ts), the answer to a
 * failure nobody expected (router.ts), and the renderer's files (static-files.ts).
 */

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request, so a test can send any Host or Origin header and any path. */
function raw(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function errorCode(answer: RawAnswer): string | undefined {
  return (JSON.parse(answer.body) as { error?: { code?: string } }).error?.code;
}

let rendererDir: string;
let dataDir: string;
let tier: BrowserTier;
const logged: { message: string; error: unknown }[] = [];
const logFile = '/var/log/concierge-test/console.log';

beforeAll(async () => {
  rendererDir = await mkdtemp(join(tmpdir(), 'concierge-renderer-'));
  dataDir = await mkdtemp(join(tmpdir(), 'concierge-console-data-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Concierge</title>');
  await writeFile(join(rendererDir, 'app.js'), 'console.log(1);');
  tier = await startBrowserTier({
    // Nothing listens there: these requests never reach the shop.
    shopUrl: 'http://127.0.0.1:9',
    rendererDir,
    dataDir,
    vault: createVault({ keychain: brokenKeychain }),
    createAudit: (deps) => createAuditPort({ ...deps, dataDirFor: () => null }),
    log: (message, error) => logged.push({ message, error }),
    logFile,
  });
});
afterAll(async () => {
  await tier.close();
  await rm(rendererDir, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

describe('who may call', () => {
  it('checks the Host and Origin of every request, public files included, before the token', async () => {
    expect((await raw(`${tier.origin}/`)).status).toBe(200);
    const foreignHost = await raw(`${tier.origin}/`, { headers: { host: `localhost:${new URL(tier.origin).port}` } });
    expect([foreignHost.status, errorCode(foreignHost)]).toEqual([403, 'wrong_host']);
    const foreignOrigin = await raw(`${tier.origin}/`, { headers: { origin: 'http://127.0.0.1:1' } });
    expect([foreignOrigin.status, errorCode(foreignOrigin)]).toEqual([403, 'foreign_origin']);
    // Without a token too: a foreign caller learns nothing about the token check.
    const foreignWithoutToken = await raw(`${tier.origin}/ipc/hello`, { headers: { origin: 'http://evil.test' } });
    expect([foreignWithoutToken.status, errorCode(foreignWithoutToken)]).toEqual([403, 'foreign_origin']);
  });

  it('takes the token from the header on any method and from the query on GET only', async () => {
    const hello = `${tier.origin}/ipc/hello`;
    expect((await raw(hello, { headers: { 'x-concierge-token': tier.token } })).status).toBe(200);
    expect((await raw(`${hello}?token=${tier.token}`)).status).toBe(200);
    const postWithQueryToken = await raw(`${tier.origin}/ipc/auth.state?token=${tier.token}`, { method: 'POST' });
    expect([postWithQueryToken.status, errorCode(postWithQueryToken)]).toEqual([401, 'bad_token']);
    // A wrong header wins over a right query token; a token of another length is just wrong.
    expect(
      (await raw(`${hello}?token=${tier.token}`, { headers: { 'x-concierge-token': 'f'.repeat(64) } })).status,
    ).toBe(401);
    expect((await raw(hello, { headers: { 'x-concierge-token': tier.token.slice(1) } })).status).toBe(401);
    expect((await raw(`${hello}?token=`)).status).toBe(401);
  });

  it('asks no token for the renderer, and one for every private path', async () => {
    expect((await raw(`${tier.origin}/app.js`)).status).toBe(200);
    for (const path of ['/ipc/events', '/ipc/hello', '/views/ses_1/preview.jpg', `/exports/${'0'.repeat(32)}`]) {
      const answer = await raw(`${tier.origin}${path}`);
      expect([answer.status, errorCode(answer)], path).toEqual([401, 'bad_token']);
    }
  });
});

describe('the answer to a failure nobody expected', () => {
  it('is a 500 naming the log file, and the log has the error without the query (it may hold the token)', async () => {
    const failure = new Error('the preview store broke');
    const preview = vi.spyOn(tier.viewHost, 'preview').mockImplementation(() => {
      throw failure;
    });
    try {
      const answer = await raw(`${tier.origin}/views/ses_1/preview.jpg?token=${tier.token}`);
      expect(answer.status).toBe(500);
      expect(JSON.parse(answer.body)).toEqual({
        error: {
          code: 'internal_error',
          message: `The console service failed; the details are in its log (${logFile}).`,
        },
      });
    } finally {
      preview.mockRestore();
    }
    const entry = logged.find((l) => l.error === failure);
    expect(entry?.message).toBe('request GET /views/ses_1/preview.jpg failed');
    expect(JSON.stringify(logged)).not.toContain(tier.token);
    // The server keeps answering.
    expect((await raw(`${tier.origin}/views/ses_1/preview.jpg?token=${tier.token}`)).status).toBe(404);
  });
});

describe('the renderer files', () => {
  it('typed by extension, with the CSP on HTML only', async () => {
    const script = await raw(`${tier.origin}/app.js`);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['x-content-type-options']).toBe('nosniff');
    expect(script.headers['content-security-policy']).toBeUndefined();
    const page = await raw(`${tier.origin}/index.html`);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('refuses a path that is not valid percent-encoding, and says when the console is not built', async () => {
    const bad = await raw(`${tier.origin}/%E0%A4%A`);
    expect([bad.status, errorCode(bad)]).toEqual([400, 'bad_path']);
    await rm(join(rendererDir, 'index.html'));
    try {
      const missing = await raw(`${tier.origin}/`);
      expect(missing.status).toBe(404);
      expect((JSON.parse(missing.body) as { error: { message: string } }).error.message).toBe(
        `The console is not built: ${join(rendererDir, 'index.html')} is missing (run npx electron-vite build).`,
      );
    } finally {
      await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Concierge</title>');
    }
  });

  it('answers other methods 405, and only the view actions it has', async () => {
    const withToken = { 'x-concierge-token': tier.token };
    expect((await raw(`${tier.origin}/`, { method: 'DELETE' })).status).toBe(405);
    expect((await raw(`${tier.origin}/ipc/auth.state`, { headers: withToken })).status).toBe(405);
    expect((await raw(`${tier.origin}/views/ses_1/click`, { headers: withToken })).status).toBe(405);
    expect((await raw(`${tier.origin}/views/ses_1/end-banner`, { method: 'POST', headers: withToken })).status).toBe(
      405,
    );
  });
});
