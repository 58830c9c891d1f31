import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StepUpRequest } from '../../../shared/api/auth';
import type { AssistSession } from '../../../shared/api/sessions';
import type { IpcEventName, IpcEventPayload, RecoveryNotice } from '../../../shared/ipc/contract';
import { DEFAULT_CONFIG } from '../../../shop/context';
import { describeAgainstOneShop, type TestShop } from '../../../shop/test/harness';
import {
  CHROMIUM_ARGS,
  createPlaywrightViewHost,
  type PlaywrightViewHost,
} from '../../browser-tier/view-host-playwright';
import { brokenKeychain } from '../../test/keychain';
import { DEMO_STAFF_PASSWORD, startDemoShop, totpCodes } from '../../test/shop';
import { createAuditPort } from '../audit-port';
import { createAuthService, type AuthService } from '../auth/auth-service';
import { createConsoleCore, type ConsoleCore } from '../console-core';
import { ShopUnreachableError } from '../errors';
import { JournalEntry } from './open-sessions-journal';
import { createPartitionPool } from '../partition-pool';
import { createSessionManager } from './session-manager';
import { recoveryMessage } from './session-recovery';
import { createVault } from '../vault';

const JANE = { id: 'cus_000001', usAccount: 'acc_000001_us', euAccount: 'acc_000001_eu' };
const LEASE_MS = DEFAULT_CONFIG.consoleLeaseSeconds * 1000;

interface TestCore {
  core: ConsoleCore;
  viewHost: PlaywrightViewHost;
  notices: (RecoveryNotice | null)[];
  logs: string[];
}

// The shop's default console lease (60 s), and consoles as the app builds them (createConsoleCore).
describeAgainstOneShop('console lease and recovery after a crash, against the real shop and Chromium', (backend) => {
  let shop: TestShop;
  let code: (email: string) => string;
  let browser: Browser;
  let dataRoot: string;
  const cores: ConsoleCore[] = [];
  const viewHosts: PlaywrightViewHost[] = [];

  /** Each console its own view host (its own partitions), all in one Chromium. */
  function newViewHost(): PlaywrightViewHost {
    const host = createPlaywrightViewHost({ browser, previewIntervalMs: 60_000, log: () => undefined });
    viewHosts.push(host);
    return host;
  }

  beforeAll(async () => {
    shop = await startDemoShop(backend, {
      accessTokenSeconds: 7 * 24 * 3600,
      refreshTokenSeconds: 7 * 24 * 3600,
      stepUpSeconds: 24 * 3600,
    });
    code = totpCodes(shop);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    });
    dataRoot = await mkdtemp(join(tmpdir(), 'session-recovery-'));
  });
  afterAll(async () => {
    for (const core of cores) await core.shutdown().catch(() => undefined);
    for (const host of viewHosts) await host.dispose();
    await browser.close();
    await shop.close();
    await rm(dataRoot, { recursive: true, force: true });
  });

  /** A console core as the browser tier builds one, on the journal file `file`, signed in as `email`. */
  async function signedInCore(file: string, email: string): Promise<TestCore> {
    const notices: (RecoveryNotice | null)[] = [];
    const logs: string[] = [];
    const viewHost = newViewHost();
    const core = createConsoleCore({
      shopUrl: shop.url,
      vault: createVault({ keychain: brokenKeychain }),
      viewHost,
      createAudit: (deps) => createAuditPort({ ...deps, dataDirFor: () => null }),
      exportDestination: () => Promise.resolve(null),
      openSessionsFile: file,
      emit: <E extends IpcEventName>(event: E, payload: IpcEventPayload<E>) => {
        if (event === 'sessions.recovery') notices.push((payload as IpcEventPayload<'sessions.recovery'>).notice);
      },
      pollIntervalMs: 60_000,
      leaseRenewIntervalMs: 100,
      log: (message) => {
        logs.push(message);
      },
    });
    cores.push(core);
    await core.auth.signIn(shop.url, email, DEMO_STAFF_PASSWORD);
    await core.auth.verifyMfa(code(email));
    return { core, viewHost, notices, logs };
  }

  const startJane = (
    core: ConsoleCore,
    email: string,
    account = JANE.usAccount,
    stepUp: StepUpRequest = { code: code(email) },
  ) =>
    core.sessions.start({
      customerId: JANE.id,
      accountId: account,
      mode: 'view',
      reason: 'Customer called about an order',
      stepUp,
    });

  async function journal(file: string): Promise<JournalEntry[]> {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { sessions: unknown[] };
    return parsed.sessions.map((s) => JournalEntry.parse(s));
  }

  /** kill -9: timers stop, nothing is ended at the shop, the view stays until the test closes it. */
  function abandon(core: ConsoleCore): void {
    core.sessions.dispose();
    core.auth.dispose();
    cores.splice(cores.indexOf(core), 1);
  }

  const readAs = (core: ConsoleCore, id: string): Promise<AssistSession> => core.auth.client().session(id);

  it('records each open session in the journal (0600) and removes it once the shop has ended it', async () => {
    const file = join(dataRoot, 'journal-1', 'open-sessions.json');
    const { core } = await signedInCore(file, 'agent@demo.test');
    const first = await startJane(core, 'agent@demo.test');
    const second = await startJane(core, 'agent@demo.test', JANE.euAccount);
    const staffId = core.auth.staff()?.id;
    expect(await journal(file)).toEqual([
      { shopUrl: shop.url, staffId, sessionId: first.session.id, startedAt: first.session.startedAt },
      { shopUrl: shop.url, staffId, sessionId: second.session.id, startedAt: second.session.startedAt },
    ]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    await core.sessions.end(first.session.id);
    expect((await journal(file)).map((e) => e.sessionId)).toEqual([second.session.id]);
    await core.auth.signOut();
    expect(await journal(file)).toEqual([]);
    expect(
      await readAs((await signedInCore(join(dataRoot, 'other.json'), 'supervisor@demo.test')).core, second.session.id),
    ).toMatchObject({ status: 'ended', endReason: 'sign_out' });
  });

  it('renews the lease of each open session on a timer, without moving the idle deadline, and stops once it ends', async () => {
    const viewHost = newViewHost();
    const auth: AuthService = createAuthService({
      shopUrl: shop.url,
      vault: createVault({ keychain: brokenKeychain }),
    });
    await auth.signIn(shop.url, 'agent2@demo.test', DEMO_STAFF_PASSWORD);
    await auth.verifyMfa(code('agent2@demo.test'));
    const renewals: string[] = [];
    const logs: string[] = [];
    let failNext = false;
    const sessions = createSessionManager({
      api: () => {
        const client = auth.client();
        return {
          ...client,
          renewLease: (id: string) => {
            renewals.push(id);
            if (failNext) {
              failNext = false;
              return Promise.reject(new ShopUnreachableError('The shop at test cannot be reached.'));
            }
            return client.renewLease(id);
          },
        };
      },
      viewHost,
      pool: createPartitionPool({ size: 1, wipe: (partition) => viewHost.wipe(partition) }),
      pollIntervalMs: 60_000,
      leaseRenewIntervalMs: 100,
      log: (message) => {
        logs.push(message);
      },
    });
    try {
      const open = await sessions.start({
        customerId: JANE.id,
        accountId: JANE.usAccount,
        mode: 'view',
        reason: 'Customer called about an order',
        stepUp: { code: code('agent2@demo.test') },
      });
      const id = open.session.id;
      const started = await auth.client().session(id);
      // Past the first lease on the shop's clock: only the renewals keep the session.
      for (const jump of [LEASE_MS / 2, LEASE_MS / 2 + 1000]) {
        shop.clock.advance(jump);
        const sent = renewals.length;
        // Renewals sent after the jump (each is counted as it is sent).
        await vi.waitFor(() => {
          expect(renewals.length).toBeGreaterThanOrEqual(sent + 2);
        });
      }
      const renewed = await auth.client().session(id);
      expect(renewed.status).toBe('active');
      expect(Date.parse(renewed.consoleLeaseExpiresAt)).toBeGreaterThan(Date.parse(started.startedAt) + LEASE_MS);
      expect(renewed.lastActivityAt).toBe(started.lastActivityAt);

      // A failed renewal is logged, not thrown; the next one goes ahead.
      failNext = true;
      const before = renewals.length;
      await vi.waitFor(() => {
        expect(renewals.length).toBeGreaterThanOrEqual(before + 2);
      });
      expect(logs.some((line) => line.startsWith(`renewing the console lease of ${id} failed`))).toBe(true);
      expect(renewals.every((r) => r === id)).toBe(true);

      await sessions.end(id);
      const afterEnd = renewals.length;
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(renewals.length).toBe(afterEnd);
    } finally {
      sessions.dispose();
      await sessions.endAll('app_exit');
      await auth.signOut();
    }
  });

  it("a console started on the journal of one that died ends its leftover session at sign-in and says so; another console's session stays", async () => {
    const file = join(dataRoot, 'journal-3', 'open-sessions.json');
    // The same agent at another desk: its own journal, its own live session.
    const elsewhere = await signedInCore(join(dataRoot, 'desk-2', 'open-sessions.json'), 'admin@demo.test');
    // Step-up by password: no more TOTP codes, so the test clock never jumps past a lease here.
    const settings = await elsewhere.core.auth.client().settings();
    await elsewhere.core.auth.client().saveSettings({ ...settings, stepUpPolicy: 'password' });
    const byPassword = { password: DEMO_STAFF_PASSWORD };
    const theirs = await startJane(elsewhere.core, 'admin@demo.test', JANE.euAccount, byPassword).finally(() =>
      elsewhere.core.auth.client().saveSettings(settings),
    );

    const crashed = await signedInCore(file, 'admin@demo.test');
    await elsewhere.core.auth.client().saveSettings({ ...settings, stepUpPolicy: 'password' });
    const left = await startJane(crashed.core, 'admin@demo.test', JANE.usAccount, byPassword).finally(() =>
      elsewhere.core.auth.client().saveSettings(settings),
    );
    abandon(crashed.core);
    expect((await journal(file)).map((e) => e.sessionId)).toEqual([left.session.id]);

    const next = await signedInCore(file, 'admin@demo.test');
    await next.core.recovery.settled();
    const notice = next.core.recovery.notice();
    expect(notice).toEqual({
      message: '1 session from your last run was still open at the shop and has now been ended.',
      sessions: [
        {
          sessionId: left.session.id,
          customerName: 'Jane Smith',
          outcome: 'ended_now',
          endReason: 'app_exit',
          detail: 'Ended now, when you signed in again.',
        },
      ],
    });
    expect(next.notices).toEqual([notice]);
    expect(await next.core.handlers['sessions.recovery']({}, {})).toEqual({ notice });
    expect(await readAs(next.core, left.session.id)).toMatchObject({ status: 'ended', endReason: 'app_exit' });
    expect(await readAs(next.core, theirs.session.id)).toMatchObject({ status: 'active' });
    expect(await journal(file)).toEqual([]);

    // Dismissed, it stays dismissed; signing in again finds nothing more to end.
    await next.core.handlers['sessions.dismissRecovery']({}, {});
    expect(next.core.recovery.notice()).toBeNull();
    expect(next.notices.at(-1)).toBeNull();
    await next.core.auth.signOut();
    await next.core.auth.signIn(shop.url, 'admin@demo.test', DEMO_STAFF_PASSWORD);
    await next.core.auth.verifyMfa(code('admin@demo.test'));
    await next.core.recovery.settled();
    expect(next.core.recovery.notice()).toBeNull();

    await crashed.viewHost.close(left.session.id);
    await elsewhere.core.sessions.end(theirs.session.id);
  });

  it('says so when the shop had already ended the leftover session because the console stopped answering', async () => {
    const file = join(dataRoot, 'journal-4', 'open-sessions.json');
    const crashed = await signedInCore(file, 'agent2@demo.test');
    const left = await startJane(crashed.core, 'agent2@demo.test');
    abandon(crashed.core);
    shop.clock.advance(LEASE_MS + 1000);

    const next = await signedInCore(file, 'agent2@demo.test');
    await next.core.recovery.settled();
    expect(next.core.recovery.notice()).toEqual({
      message: '1 session from your last run had already been ended by the shop because the console stopped answering.',
      sessions: [
        {
          sessionId: left.session.id,
          customerName: 'Jane Smith',
          outcome: 'already_ended',
          endReason: 'console_lost',
          detail: 'Ended: the console stopped answering the shop.',
        },
      ],
    });
    expect(await readAs(next.core, left.session.id)).toMatchObject({ status: 'ended', endReason: 'console_lost' });
    expect(await journal(file)).toEqual([]);
    await crashed.viewHost.close(left.session.id);
  });

  it("leaves another staff member's journal entries for their own sign-in", async () => {
    const file = join(dataRoot, 'journal-5', 'open-sessions.json');
    const crashed = await signedInCore(file, 'supervisor@demo.test');
    const left = await startJane(crashed.core, 'supervisor@demo.test');
    abandon(crashed.core);

    const other = await signedInCore(file, 'agent@demo.test');
    await other.core.recovery.settled();
    expect(other.core.recovery.notice()).toBeNull();
    expect((await journal(file)).map((e) => e.sessionId)).toEqual([left.session.id]);
    await other.core.auth.signOut();

    const owner = await signedInCore(file, 'supervisor@demo.test');
    await owner.core.recovery.settled();
    expect(owner.core.recovery.notice()?.sessions.map((s) => s.sessionId)).toEqual([left.session.id]);
    await crashed.viewHost.close(left.session.id);
  });
});

describe('recovery notice wording', () => {
  const one = { customerName: 'Jane Smith', detail: '' };
  it('counts what was ended now and what the shop had ended, and says when the console was lost', () => {
    expect(
      recoveryMessage([
        { ...one, sessionId: 'ses_1', outcome: 'ended_now', endReason: 'app_exit' },
        { ...one, sessionId: 'ses_2', outcome: 'ended_now', endReason: 'app_exit' },
      ]),
    ).toBe('2 sessions from your last run were still open at the shop and have now been ended.');
    expect(
      recoveryMessage([
        { ...one, sessionId: 'ses_1', outcome: 'ended_now', endReason: 'app_exit' },
        { ...one, sessionId: 'ses_2', outcome: 'already_ended', endReason: 'idle_timeout' },
      ]),
    ).toBe(
      '1 session from your last run was still open at the shop and has now been ended. 1 session from your last run had already been ended by the shop.',
    );
  });
});
