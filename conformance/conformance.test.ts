import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CHECKS } from './checks';
import { rowOf, runConformance } from './run-cli';

/**
 * The suite as a user runs it: the reference shop's CLI on a fresh PGlite directory with the demo
 * data, then `npm run conformance -- --shop-url <url>` as a child process, its table and exit code
 * read. Then once through a proxy that alters one audit event's hash, which the suite must catch.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** `npm run shop`'s command (tsx shop/cli.ts) on a free port; resolves with its URL once it listens. */
function startShop(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const args = ['--import', 'tsx', 'shop/cli.ts', '--port', '0', '--data-dir', dataDir, '--seed', 'demo', '--quiet'];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve({ child, url });
    });
    child.once('exit', (code) => {
      reject(new Error(`the shop exited (${String(code)}):\n${output}`));
    });
  });
}

const Page = z.looseObject({ events: z.array(z.looseObject({ hash: z.string() })) });

/** Alters the hash of the second event of every audit page: a shop whose log does not verify. */
function tamper(body: string): string {
  const page = Page.parse(JSON.parse(body));
  const event = page.events[1];
  if (event) event.hash = `${event.hash.slice(0, -1)}${event.hash.endsWith('0') ? '1' : '0'}`;
  return JSON.stringify(page);
}

/** A proxy in front of the shop that passes everything through, tampering with GET /api/v1/audit/events. */
function tamperingProxy(target: string): Promise<Server> {
  const upstream = new URL(target);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const headers = { ...req.headers, host: upstream.host, 'accept-encoding': 'identity' };
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          let body = Buffer.concat(chunks).toString('utf8');
          if (req.url?.startsWith('/api/v1/audit/events') && answer.statusCode === 200) body = tamper(body);
          const out = { ...answer.headers, 'content-length': String(Buffer.byteLength(body)) };
          delete out['transfer-encoding'];
          res.writeHead(answer.statusCode ?? 502, out).end(body);
        });
      },
    );
    req.pipe(forward);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve(server);
    });
  });
}

describe('npm run conformance against the reference shop', () => {
  let shop: { child: ChildProcess; url: string };
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'conformance-shop-'));
    shop = await startShop(dataDir);
  });

  afterAll(async () => {
    if (shop.child.exitCode === null) {
      const exited = new Promise((resolve) => shop.child.once('exit', resolve));
      shop.child.kill('SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('passes every check and exits 0', async () => {
    const run = await runConformance(shop.url);
    for (const check of CHECKS) expect(rowOf(run.stdout, check.name), run.stdout + run.stderr).toMatch(/ pass /);
    expect(run.stdout).toContain(`${CHECKS.length} passed, 0 failed, 0 skipped`);
    expect(run.code).toBe(0);
    // A staff member's TOTP window spent, the suite waits for the next 30 s step: at most one wait.
  }, 90_000);

  it('fails the chain check and exits 1 when an audit event hash is altered', async () => {
    const proxy = await tamperingProxy(shop.url);
    try {
      const { port } = proxy.address() as AddressInfo;
      const run = await runConformance(`http://127.0.0.1:${port}`, ['--only', 'audit: the hash chain']);
      const row = rowOf(run.stdout, 'audit: the hash chain verifies from the first event');
      expect(row, run.stdout).toMatch(/ FAIL .*the chain breaks at event 2: hash_mismatch/);
      expect(run.stdout).toContain('0 passed, 1 failed');
      expect(run.code).toBe(1);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  }, 90_000);
});
