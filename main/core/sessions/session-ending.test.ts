import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeAgainstOneShop, type TestShop } from '../../../shop/test/harness';
import type { PlaywrightViewHost } from '../../browser-tier/view-host-playwright';
import { quietViewHost, signedInAuth, startJaneView, type CodeFor } from '../../test/console';
import { startDemoShop, totpCodes } from '../../test/shop';
import { createApiClient } from '../api/api-client';
import type { AuthService } from '../auth/auth-service';
import { ShopRefusedError } from '../errors';
import { createOpenSessionsJournal, type OpenSessionsJournal } from './open-sessions-journal';
import { createPartitionPool, type PartitionPool } from '../partition-pool';
import { createSessionManager, type SessionManager } from './session-manager';

interface Console {
  auth: AuthService;
  pool: PartitionPool;
  journal: OpenSessionsJournal;
  sessions: SessionManager;
  /** While false, every call goes to a port where no shop listens. */
  setShopReachable(reachable: boolean): void;
}

// How an end at the shop settles here: the shop's own word when it had already ended the session,
// the view kept when it refuses, the view closed (and the journal kept) when it cannot be reached.
describeAgainstOneShop('ending a session, against the real shop and Chromium', (backend) => {
  let shop: TestShop;
  let code: CodeFor;
  let viewHost: PlaywrightViewHost;
  let dataDir: string;
  const consoles: Console[] = [];

  async function openConsole(email: string): Promise<Console> {
    const auth = await signedInAuth(shop, code, email);
    const pool = createPartitionPool({ size: 2, wipe: (partition) => viewHost.wipe(partition) });
    const journal = createOpenSessionsJournal({ file: join(dataDir, `${consoles.length}.json`) });
    const nowhere = createApiClient({ shopUrl: 'http://127.0.0.1:9', tokens: auth.tokens() });
    let reachable = true;
    const sessions = createSessionManager({
      api: () => (reachable ? auth.client() : nowhere),
      viewHost,
      pool,
      journal,
      // No background rounds (the shop's default 60 s lease outlasts each test): the test decides when the shop is asked.
      pollIntervalMs: 3_600_000,
      leaseRenewIntervalMs: 3_600_000,
      log: () => undefined,
    });
    const console_: Console = {
      auth,
      pool,
      journal,
      sessions,
      setShopReachable: (value) => {
        reachable = value;
      },
    };
    consoles.push(console_);
    return console_;
  }

  const startJane = (c: Console, email: string) => startJaneView(c.sessions, code, email);

  beforeAll(async () => {
    shop = await startDemoShop(backend, { stepUpSeconds: 24 * 3600 });
    code = totpCodes(shop);
    viewHost = quietViewHost();
    dataDir = await mkdtemp(join(tmpdir(), 'session-ending-'));
  });
  afterAll(async () => {
    for (const c of consoles) {
      c.setShopReachable(true);
      await c.sessions.endAll('app_exit').catch(() => undefined);
      c.sessions.dispose();
      await c.auth.signOut().catch(() => undefined);
    }
    await viewHost.dispose();
    await shop.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('says what the shop says when it had already ended the session, and takes it off the journal', async () => {
    const agent = await openConsole('agent@demo.test');
    const supervisor = await openConsole('supervisor@demo.test');
    const open = await startJane(agent, 'agent@demo.test');
    const id = open.session.id;
    await supervisor.auth.client().endSession(id, { reason: 'terminated_by_supervisor', note: 'Wrong customer' });
    // The agent ends it before any poll has noticed.
    expect(agent.sessions.list().find((s) => s.session.id === id)?.state).toBe('open');
    expect(await agent.sessions.end(id)).toMatchObject({
      state: 'ended',
      endedMessage: 'Ended by Sam Supervisor (supervisor): Wrong customer',
    });
    expect(viewHost.page(id)).toBeNull();
    expect(agent.pool.inUse()).toBe(0);
    expect(await agent.journal.list()).toEqual([]);
  });

  it('keeps the view open when the shop refuses to end the session, and passes the refusal on', async () => {
    const c = await openConsole('agent2@demo.test');
    const open = await startJane(c, 'agent2@demo.test');
    const id = open.session.id;
    // An agent may not end their own session as an idle timeout: the shop answers validation_failed.
    const error = await c.sessions.end(id, 'idle_timeout').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopRefusedError);
    expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(c.sessions.list().find((s) => s.session.id === id)).toMatchObject({ state: 'open', endedMessage: null });
    expect(viewHost.page(id)).not.toBeNull();
    expect(await c.auth.client().session(id)).toMatchObject({ status: 'active' });
    expect((await c.journal.list()).map((e) => e.sessionId)).toEqual([id]);
    await c.sessions.end(id);
  });

  it('closes the view when the shop cannot be reached, and keeps the session in the journal for the next sign-in', async () => {
    const c = await openConsole('admin@demo.test');
    const open = await startJane(c, 'admin@demo.test');
    const id = open.session.id;
    c.setShopReachable(false);
    expect(await c.sessions.end(id)).toMatchObject({
      state: 'ended',
      endedMessage:
        'Closed here, but the shop could not be told; it ends the session within a minute, once this console stops renewing it.',
    });
    expect(viewHost.page(id)).toBeNull();
    expect(c.pool.inUse()).toBe(0);
    expect((await c.journal.list()).map((e) => e.sessionId)).toEqual([id]);
    c.setShopReachable(true);
    expect(await c.auth.client().session(id)).toMatchObject({ status: 'active' });
    await c.auth.client().endSession(id, { reason: 'ended_by_agent' });
  });
});
