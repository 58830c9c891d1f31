import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AuditEvent } from '../../../shared/api/audit';
import { TokenResponse } from '../../../shared/api/auth';
import { verifyChain } from '../../../shared/audit/chain';
import type { AuditFilter } from '../../../shared/ipc/contract';
import { buildShop, type ShopApp } from '../../../shop/app';
import { appendAudit, auditEventFromRow, type AuditInput, type AuditRow } from '../../../shop/audit/append';
import { seedStaff } from '../../../shop/seed/staff';
import { signIn } from '../../../shop/test/auth-helpers';
import { testMirrorTemplate } from '../../test/mirror-template';
import { describeAgainstOneShop, startTestShop, type TestShop } from '../../../shop/test/harness';
import { AUDIT_COUNT_CAP, createAuditMirror, type AuditMirror } from './index';
import { VERIFIER_REST_MS } from './worker-client';

const EVENTS = 2400;
const ACTIONS = [
  'session.page_view',
  'session.action',
  'staff.step_up',
  'customer.consent_granted',
  'settings.changed',
] as const;

/** Varied, deterministic events: three actors, seven customers, sessions of 50, a minute per 500. */
function inputFor(i: number): AuditInput {
  const actor =
    i % 3 === 0
      ? { type: 'staff' as const, id: 'stf_agent', name: 'Alex Agent' }
      : i % 3 === 1
        ? { type: 'staff' as const, id: 'stf_admin', name: 'Ada Admin' }
        : {
            type: 'customer' as const,
            id: `cus_${i % 7}`,
            name: i === 1001 ? '=HYPERLINK("http://evil.test")' : `Customer ${i % 7}`,
          };
  const note =
    i === 777 ? 'Refund, "quoted" text' : i === 778 ? '100% done_now' : i === 779 ? '1000 done' : `note ${i}`;
  return {
    action: ACTIONS[i % ACTIONS.length] ?? 'session.action',
    actor,
    customerId: `cus_${i % 7}`,
    sessionId: i % 5 === 0 ? null : `ses_${Math.floor(i / 50)}`,
    ip: `10.1.${i % 256}.7`,
    userAgent: 'Concierge test',
    details: { path: `/store/us/orders/ord${100000 + i}`, note },
  };
}

async function appendEvents(shop: TestShop, from: number, count: number): Promise<void> {
  for (let start = from; start < from + count; start += 400) {
    await shop.ctx.db.transaction(async (tx) => {
      for (let i = start; i < Math.min(start + 400, from + count); i += 1) {
        if (i > 0 && i % 500 === 0) shop.clock.advance(60_000);
        await appendAudit(tx, shop.clock, inputFor(i));
      }
    });
  }
}

async function shopEvents(shop: TestShop): Promise<AuditEvent[]> {
  const rows = await shop.ctx.db.query<AuditRow>('SELECT * FROM audit_events ORDER BY seq');
  return rows.rows.map(auditEventFromRow);
}

/** Every matching event, newest first, read from the mirror page by page. */
async function readAll(mirror: AuditMirror, filter: AuditFilter = {}): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await mirror.query(filter, offset, 500);
    out.push(...page.events);
    if (page.events.length < 500) return out;
  }
}

/** The filter semantics written out plainly, as the oracle for the mirror's SQL. */
function matches(e: AuditEvent, f: AuditFilter): boolean {
  if (f.staffId && !(e.actor.type === 'staff' && e.actor.id === f.staffId)) return false;
  if (f.customerId && e.customerId !== f.customerId) return false;
  if (f.sessionId && e.sessionId !== f.sessionId) return false;
  if (f.action && !(f.action.endsWith('.') ? e.action.startsWith(f.action) : e.action === f.action)) return false;
  if (f.from && Date.parse(e.at) < Date.parse(f.from)) return false;
  if (f.to && Date.parse(e.at) > Date.parse(f.to)) return false;
  if (f.text) {
    const values = [
      e.action,
      e.actor.name ?? '',
      ...Object.values(e.details).map((v) => JSON.stringify(v)),
      e.ip ?? '',
    ];
    if (!values.some((v) => v.toLowerCase().includes(f.text?.toLowerCase() ?? ''))) return false;
  }
  return true;
}

/** A small RFC 4180 reader, enough to check the export (quotes, commas, doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  return rows;
}

describeAgainstOneShop('audit mirror', (backend) => {
  let shop: TestShop;
  let app: ShopApp;
  let shopUrl: string;
  let adminToken: string;
  const dirs: string[] = [];

  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'audit-mirror-'));
    dirs.push(dir);
    return dir;
  }

  /** A new mirror's folder as a console gets it: not there yet, started from the template. */
  async function newFolder(): Promise<{ dataDir: string; templateDir: string }> {
    return { dataDir: join(await tempDir(), 'mirror'), templateDir: await testMirrorTemplate() };
  }

  /** The shop's API as the mirror reads it, with this bearer token (no refresh). */
  function shopSource(token: () => string, url = shopUrl) {
    return { shopUrl: url, tokens: { accessToken: token, refreshAccessToken: () => Promise.resolve(false) } };
  }

  /**
   * The shop as the mirror sees it across restarts: real HTTP forwarded to wherever the shop
   * listens now, each audit page's cursor passed to `onPage` first, and the connection dropped
   * when the shop is down (as a shop that went away drops it).
   */
  async function startShopProxy(onPage: (after: number, limit: number) => Promise<void> | void) {
    const server = createServer((request, response) => {
      void (async () => {
        const url = new URL(request.url ?? '/', 'http://proxy');
        if (url.pathname.endsWith('/audit/events'))
          await onPage(Number(url.searchParams.get('after')), Number(url.searchParams.get('limit')));
        try {
          const upstream = await fetch(`${shopUrl}${url.pathname}${url.search}`, {
            headers: { authorization: request.headers.authorization ?? '' },
          });
          const body = Buffer.from(await upstream.arrayBuffer());
          response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
          response.end(body);
        } catch {
          request.socket.destroy();
        }
      })();
    });
    await new Promise<void>((resolve) => {
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => {
            resolve();
          });
        }),
    };
  }

  async function restartShop(): Promise<void> {
    app = await buildShop(shop.ctx);
    shopUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  }

  beforeAll(async () => {
    shop = await startTestShop(backend, { seed: seedStaff });
    app = shop.app;
    shopUrl = shop.url;
    adminToken = (await signIn(shop.url, 'admin@demo.test', { clock: shop.clock })).accessToken;
    await appendEvents(shop, 0, EVENTS);
  });

  afterAll(async () => {
    if (app !== shop.app) await app.close();
    await shop.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('syncs through a shop that goes away mid-sync and a mirror that restarts: no loss, no duplicates, chain verified', async () => {
    const folder = await newFolder();
    const { dataDir } = folder;
    const afters: number[] = [];
    const limits: number[] = [];
    // The shop goes away when the mirror first asks for the page after 800 (a request made ahead).
    let killAt: number | null = 800;
    const proxy = await startShopProxy(async (after, limit) => {
      afters.push(after);
      limits.push(limit);
      if (killAt !== null && after >= killAt) {
        killAt = null;
        await app.close();
      }
    });
    const viaProxy = shopSource(() => adminToken, proxy.url);
    // A small bulk threshold: this sync drops the filter indexes and must rebuild them on every stop.
    const first = createAuditMirror({ ...folder, pageSize: 200, bulkBacklog: 500, source: viaProxy });
    const progress: number[] = [];
    first.onStatus((s) => progress.push(s.lastSeq));

    const failed = await first.sync();
    expect(failed.state).toBe('error');
    // The shop closing: refused connections, or 503 for a request it received while closing.
    expect(failed.message).toMatch(/cannot be reached|broke during an answer|HTTP 503/);
    expect(failed.lastSeq).toBeGreaterThanOrEqual(400);
    expect(failed.lastSeq).toBeLessThan(1000);
    expect(failed.synced).toBe(failed.lastSeq);
    expect(progress.length).toBeGreaterThan(2);

    // The shop comes back (same database, new process, new port); the next sync resumes, and
    // this time the mirror itself stops half way.
    await restartShop();
    const resumedFrom = failed.lastSeq;
    const closing: Promise<void>[] = [];
    const stop = first.onStatus((s) => {
      if (s.lastSeq >= resumedFrom + 600 && closing.length === 0) closing.push(first.close());
    });
    const callsBeforeResume = afters.length;
    const partial = await first.sync();
    stop();
    // The old mirror lets go of the data directory before the new one opens it.
    expect(closing).toHaveLength(1);
    await Promise.all(closing);
    expect(afters[callsBeforeResume]).toBe(resumedFrom);
    expect(partial.lastSeq).toBeGreaterThanOrEqual(resumedFrom + 600);
    expect(partial.lastSeq).toBeLessThan(EVENTS);

    // A new mirror over the same data directory carries on from the stored cursor.
    const second = createAuditMirror({ dataDir, pageSize: 200, source: viaProxy });
    const before = await second.status();
    expect(before.lastSeq).toBe(partial.lastSeq);
    expect(before.synced).toBe(partial.lastSeq);
    const callsBefore = afters.length;
    const done = await second.sync();
    expect(afters[callsBefore]).toBe(partial.lastSeq);

    const source = await shopEvents(shop);
    expect(done).toMatchObject({
      state: 'idle',
      lastSeq: source.length,
      headSeq: source.length,
      synced: source.length,
      message: null,
      verification: { ok: true, checked: source.length },
    });
    expect(done.lastSyncAt).not.toBeNull();
    const mirrored = await readAll(second);
    expect(mirrored.map((e) => e.seq)).toEqual(source.map((e) => e.seq).reverse());
    expect(mirrored.reverse()).toEqual(source);
    expect(verifyChain(mirrored).ok).toBe(true);

    // Nothing new: a sync is one request of one event, made on the main thread (no verifier
    // thread starts for it, nor asks for a page), and changes nothing.
    const requestsBefore = afters.length;
    const again = await second.sync();
    expect(again).toMatchObject({ state: 'idle', lastSeq: source.length, synced: source.length });
    expect(afters.slice(requestsBefore)).toEqual([source.length]);
    expect(limits.slice(requestsBefore)).toEqual([1]);
    await second.close();
    await proxy.close();
  });

  it('says it is opening until its store answers, then how long opening took', async () => {
    const dataDir = await tempDir();
    const mirror = createAuditMirror({ dataDir, source: shopSource(() => adminToken) });
    const heard: string[] = [];
    mirror.onStatus((s) => heard.push(s.state));
    // Answered at once, without waiting for PGlite: the viewer can say what is going on.
    expect(mirror.statusNow()).toMatchObject({
      state: 'opening',
      synced: 0,
      lastSyncAt: null,
      message: "Opening this computer's copy of the audit log…",
    });
    const { status, openMs } = await mirror.opened();
    expect(status).toMatchObject({ state: 'idle', message: null, synced: 0 });
    expect(openMs).toBeGreaterThan(0);
    // The listeners hear that it opened, before any sync.
    expect(heard[0]).toBe('idle');
    const first = await mirror.sync();
    expect(first.synced).toBeGreaterThanOrEqual(EVENTS);
    // The verifier thread ends between syncs; the next sync starts another and verifies on.
    await sleep(VERIFIER_REST_MS + 500);
    await appendEvents(shop, (await shopEvents(shop)).length, 5);
    const synced = await mirror.sync();
    expect(synced).toMatchObject({ state: 'idle', synced: first.synced + 5, verification: { ok: true } });
    await mirror.close();

    // Reopened at the current schema version, the folder is used as it is.
    const again = createAuditMirror({ dataDir, source: shopSource(() => adminToken), openingMessage: 'Reopening…' });
    expect(again.statusNow()).toMatchObject({ state: 'opening', message: 'Reopening…' });
    expect((await again.opened()).status).toMatchObject({
      state: 'idle',
      synced: synced.synced,
      lastSeq: synced.lastSeq,
    });
    await again.close();
  });

  it('gives up its requests ahead before a failed sync reports, so none reaches the shop later', async () => {
    // The page after 600 fails (its connection drops); requests ahead for later pages are held
    // unanswered, as a slow shop would, and the mirror must abort them before sync() returns.
    const held: { after: number; closed: boolean }[] = [];
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://proxy');
      const after = Number(url.searchParams.get('after'));
      if (url.pathname.endsWith('/audit/events') && after >= 600) {
        if (after === 600) {
          // Fails once the request ahead for 800 is here, so a loaded machine cannot reorder the two.
          void (async () => {
            for (let waited = 0; waited < 10_000 && !held.some((h) => h.after === 800); waited += 20) await sleep(20);
            request.socket.destroy();
          })();
          return;
        }
        const entry = { after, closed: false };
        held.push(entry);
        response.once('close', () => {
          entry.closed = true;
        });
        return;
      }
      void (async () => {
        const upstream = await fetch(`${shopUrl}${url.pathname}${url.search}`, {
          headers: { authorization: request.headers.authorization ?? '' },
        });
        const body = Buffer.from(await upstream.arrayBuffer());
        response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
        response.end(body);
      })();
    });
    await new Promise<void>((resolve) => {
      server.listen(0, '127.0.0.1', resolve);
    });
    const mirror = createAuditMirror({
      ...(await newFolder()),
      pageSize: 200,
      source: shopSource(() => adminToken, `http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    });
    try {
      const failed = await mirror.sync();
      expect(failed.state).toBe('error');
      expect(failed.lastSeq).toBe(600);
      expect(held.map((h) => h.after)).toContain(800);
      await expect.poll(() => held.filter((h) => !h.closed).map((h) => h.after)).toEqual([]);
    } finally {
      await mirror.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    }
  });

  it('refreshes an access token that expired once, and asks for the page again', async () => {
    let tokens = await signIn(shopUrl, 'admin@demo.test', { clock: shop.clock });
    // The token this mirror starts with expires before its first request.
    shop.clock.advance(shop.ctx.config.accessTokenSeconds * 1000 + 1000);
    const refreshes: string[] = [];
    const mirror = createAuditMirror({
      ...(await newFolder()),
      pageSize: 500,
      source: {
        shopUrl,
        tokens: {
          accessToken: () => tokens.accessToken,
          refreshAccessToken: async () => {
            const response = await fetch(`${shopUrl}/api/v1/auth/refresh`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ refreshToken: tokens.refreshToken }),
            });
            refreshes.push(String(response.status));
            if (!response.ok) return false;
            tokens = TokenResponse.parse(await response.json());
            return true;
          },
        },
      },
    });
    try {
      const done = await mirror.sync();
      const source = await shopEvents(shop);
      expect(done).toMatchObject({
        state: 'idle',
        lastSeq: source.length,
        synced: source.length,
        message: null,
        verification: { ok: true },
      });
      expect(refreshes).toEqual(['200']);

      // A refresh the shop refuses ends the sync with the shop's refusal, and nothing more is asked.
      shop.clock.advance(shop.ctx.config.accessTokenSeconds * 1000 + 1000);
      tokens = { ...tokens, refreshToken: 'not-a-refresh-token' };
      await appendEvents(shop, source.length, 10);
      const refused = await mirror.sync();
      expect(refused.state).toBe('error');
      expect(refused.lastSeq).toBe(source.length);
      expect(refreshes).toEqual(['200', '401']);
    } finally {
      shop.clock.reset();
      await mirror.close();
    }
  });

  it('every filter returns exactly the matching events, newest first, with their total', async () => {
    // Text chunks of 500: most of the log gets its trigram index, the newest chunk is scanned.
    const mirror = createAuditMirror({
      ...(await newFolder()),
      searchChunk: 500,
      source: shopSource(() => adminToken),
    });
    try {
      await mirror.sync();
      const source = await shopEvents(shop);
      const t0 = Date.parse(source[0]?.at ?? '');
      const filters: AuditFilter[] = [
        {},
        { staffId: 'stf_agent' },
        { staffId: 'stf_admin' },
        { staffId: 'cus_3' },
        { customerId: 'cus_3' },
        { sessionId: 'ses_17' },
        { action: 'session.page_view' },
        { action: 'session.' },
        { action: 'staff.' },
        { action: 'session' },
        { from: new Date(t0 + 60_000).toISOString(), to: new Date(t0 + 120_000).toISOString() },
        { from: new Date(t0 + 180_000).toISOString() },
        { text: 'ord101234' },
        { text: 'CUSTOMER 4' },
        { text: '10.1.200' },
        { text: 'QUOTED' },
        { text: '100%' },
        { text: 'e_n' },
        { text: 'staff.step' },
        { staffId: 'stf_agent', customerId: 'cus_2', action: 'session.', text: 'note 1' },
        { text: 'ord10' },
        { text: '/orders/ord1002' },
        { text: 'alex agent' },
      ];
      // Right after the sync (chunks scanned while their indexes are built), with every full
      // chunk indexed, and with the page cache warmed.
      for (const round of ['tail', 'indexed', 'warmed']) {
        if (round === 'indexed') await mirror.searchReady();
        if (round === 'warmed') await mirror.warmed();
        for (const filter of filters) {
          const expected = source
            .filter((e) => matches(e, filter))
            .map((e) => e.seq)
            .reverse();
          const got = await readAll(mirror, filter);
          expect(
            got.map((e) => e.seq),
            `${round} ${JSON.stringify(filter)}`,
          ).toEqual(expected);
          const first = await mirror.query(filter, 0, 10);
          expect(first.total, JSON.stringify(filter)).toBe(
            Math.min(expected.length, Object.keys(filter).length === 0 ? Infinity : AUDIT_COUNT_CAP),
          );
          expect(first.events.map((e) => e.seq)).toEqual(expected.slice(0, 10));
        }
      }
      expect(source.filter((e) => matches(e, { text: '100%' }))).toHaveLength(1);
      const paged = await mirror.query({ customerId: 'cus_3' }, 20, 5);
      expect(paged.events.map((e) => e.seq)).toEqual(
        source
          .filter((e) => e.customerId === 'cus_3')
          .map((e) => e.seq)
          .reverse()
          .slice(20, 25),
      );
    } finally {
      await mirror.close();
    }
  });

  it('drops a query whose caller gave up while it waited its turn, and stops one under way', async () => {
    const mirror = createAuditMirror({ ...(await newFolder()), source: shopSource(() => adminToken) });
    try {
      await mirror.sync();
      const first = mirror.query({ text: 'agent' }, 0, 10);
      const controller = new AbortController();
      const given = mirror.query({ staffId: 'stf_agent' }, 0, 10, controller.signal);
      const last = mirror.query({}, 0, 5);
      controller.abort();
      await expect(given).rejects.toMatchObject({ name: 'AbortError' });
      expect((await first).events.length).toBeGreaterThan(0);
      expect((await last).events).toHaveLength(5);
      // Already given up: not even queued.
      await expect(mirror.query({}, 0, 5, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
      // Given up while running: answered at once, the worker told to stop, the next query served.
      const running = new AbortController();
      const started = mirror.query({ action: 'session.', text: 'agent' }, 0, 10, running.signal);
      running.abort();
      await expect(started).rejects.toMatchObject({ name: 'AbortError' });
      expect((await mirror.query({}, 0, 3)).events).toHaveLength(3);
    } finally {
      await mirror.close();
    }
  });

  it('exports the filtered events as JSONL that verifies and as CSV', async () => {
    const dir = await tempDir();
    const mirror = createAuditMirror({ ...(await newFolder()), source: shopSource(() => adminToken) });
    try {
      await mirror.sync();
      const source = await shopEvents(shop);

      const all = await mirror.exportTo({}, 'jsonl', join(dir, 'all.jsonl'));
      expect(all.count).toBe(source.length);
      const [header, ...lines] = (await readFile(join(dir, 'all.jsonl'), 'utf8'))
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as AuditEvent);
      // This shop signs nothing (no checkpointer): the header, then the events (checkpoints.test.ts has signed ones).
      expect(header).toMatchObject({ export: { format: 'concierge-audit', version: 1, filter: {} } });
      expect(lines).toEqual(source);
      expect(verifyChain(lines)).toMatchObject({ ok: true, checked: source.length });

      const filter: AuditFilter = { customerId: 'cus_0' };
      const expected = source.filter((e) => matches(e, filter));
      const csv = await mirror.exportTo(filter, 'csv', join(dir, 'cus0.csv'));
      expect(csv.count).toBe(expected.length);
      const rows = parseCsv(await readFile(join(dir, 'cus0.csv'), 'utf8'));
      expect(rows[0]).toEqual([
        'seq',
        'id',
        'at',
        'action',
        'actor_type',
        'actor_id',
        'actor_name',
        'customer_id',
        'session_id',
        'ip',
        'user_agent',
        'details',
        'prev_hash',
        'hash',
        'checkpoint_at',
        'checkpoint_key_id',
        'checkpoint_signature',
      ]);
      expect(rows.slice(1).map((r) => Number(r[0]))).toEqual(expected.map((e) => e.seq));
      const quoted = expected.find((e) => e.details.note === 'Refund, "quoted" text');
      const quotedRow = rows.find((r) => Number(r[0]) === quoted?.seq);
      expect(quotedRow?.[11]).toBe(JSON.stringify(quoted?.details));
      expect(quotedRow?.[13]).toBe(quoted?.hash);
      // A formula-looking name is neutralized for spreadsheet apps.
      const formula = source.find((e) => e.actor.name?.startsWith('='));
      const formulaCsv = await mirror.exportTo({ text: 'hyperlink' }, 'csv', join(dir, 'formula.csv'));
      expect(formulaCsv.count).toBe(1);
      const formulaRows = parseCsv(await readFile(join(dir, 'formula.csv'), 'utf8'));
      expect(formulaRows[1]?.[6]).toBe(`'${formula?.actor.name ?? ''}`);
    } finally {
      await mirror.close();
    }
  });

  it('an agent mirrors only their own events and how their sessions ended, verified across the gaps', async () => {
    const agentToken = (await signIn(shopUrl, 'agent@demo.test', { clock: shop.clock })).accessToken;
    const mirror = createAuditMirror({ ...(await newFolder()), pageSize: 300, source: shopSource(() => agentToken) });
    try {
      const status = await mirror.sync();
      // session.end names the session's agent in its details, whoever ended it.
      const own = (await shopEvents(shop)).filter(
        (e) =>
          (e.actor.type === 'staff' && e.actor.id === 'stf_agent') ||
          (e.action === 'session.end' && e.details.staffId === 'stf_agent'),
      );
      expect(status).toMatchObject({
        state: 'idle',
        synced: own.length,
        lastSeq: own.at(-1)?.seq,
        verification: { ok: true, checked: own.length },
      });
      expect((await readAll(mirror)).map((e) => e.seq)).toEqual(own.map((e) => e.seq).reverse());
    } finally {
      await mirror.close();
    }
  });

  it('time ranges stay exact after the shop clock went back', async () => {
    const mirror = createAuditMirror({ ...(await newFolder()), source: shopSource(() => adminToken) });
    const iso = (ms: number) => new Date(ms).toISOString();
    const check = async (source: AuditEvent[], label: string) => {
      const t0 = Date.parse(source[0]?.at ?? '');
      const tEnd = Date.parse(source.at(-1)?.at ?? '');
      const ranges: AuditFilter[] = [
        { from: iso(t0 + 60_000), to: iso(t0 + 150_000) },
        { from: iso(t0 + 120_000) },
        { to: iso(t0 + 90_000) },
        { from: iso(tEnd - 1_800_000), to: iso(tEnd - 1_000) },
        { from: iso(tEnd + 60_000) },
        { to: iso(t0 - 60_000) },
        { staffId: 'stf_admin', from: iso(t0 + 60_000), to: iso(tEnd) },
      ];
      for (const filter of ranges) {
        const expected = source
          .filter((e) => matches(e, filter))
          .map((e) => e.seq)
          .reverse();
        expect(
          (await readAll(mirror, filter)).map((e) => e.seq),
          `${label} ${JSON.stringify(filter)}`,
        ).toEqual(expected);
      }
    };
    try {
      await mirror.sync();
      await check(await shopEvents(shop), 'in order');
      // An hour back: the next events are older than the ones before them.
      shop.clock.advance(-3_600_000);
      await appendEvents(shop, 5001, 60);
      shop.clock.advance(3_600_000);
      expect((await mirror.sync()).state).toBe('idle');
      const source = await shopEvents(shop);
      expect(source.some((e, i) => i > 0 && Date.parse(e.at) < Date.parse(source[i - 1]?.at ?? ''))).toBe(true);
      await check(source, 'out of order');
    } finally {
      await mirror.close();
    }
  });

  it('reports the first tampered event by seq and keeps syncing past it', async () => {
    const source = await shopEvents(shop);
    const target = source[Math.floor(source.length / 2)];
    if (!target) throw new Error('no events');
    await shop.ctx.db.exec('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update');
    try {
      await shop.ctx.db.query(
        `UPDATE audit_events SET details = jsonb_set(details, '{note}', '"nothing happened"') WHERE seq = $1`,
        [target.seq],
      );
    } finally {
      await shop.ctx.db.exec('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update');
    }
    const mirror = createAuditMirror({ ...(await newFolder()), source: shopSource(() => adminToken) });
    try {
      const status = await mirror.sync();
      expect(status).toMatchObject({
        state: 'idle',
        synced: source.length,
        lastSeq: source.length,
        verification: { ok: false, badSeq: target.seq, problem: 'hash_mismatch' },
      });
    } finally {
      await mirror.close();
    }
  });
});
