import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LiveUpdatesState } from '../../shared/ipc/contract';
import { LONG_LIVED } from '../../shop/test/fixtures';
import { describeBackends, type TestShop } from '../../shop/test/harness';
import { until } from '../../shop/test/started-shop';
import type { PlaywrightViewHost } from '../browser-tier/view-host-playwright';
import { quietViewHost, signedInAuth, startJaneView, type CodeFor } from '../test/console';
import { startDemoShop, totpCodes } from '../test/shop';
import { createLiveUpdates } from './live-updates';
import { createPartitionPool } from './partition-pool';
import { createSessionManager } from './sessions/session-manager';

describeBackends('live updates: the shop tells the console, nothing polls', (backend) => {
  let shop: TestShop;
  let code: CodeFor;
  let viewHost: PlaywrightViewHost;

  beforeAll(async () => {
    shop = await startDemoShop(backend, LONG_LIVED);
    code = totpCodes(shop);
    viewHost = quietViewHost();
  });
  afterAll(async () => {
    await viewHost.dispose();
    await shop.close();
  });

  it('tears a session down the moment a supervisor ends it, with no poll, and syncs the audit log when it grows', async () => {
    const auth = await signedInAuth(shop, code, 'agent@demo.test');
    const sessions = createSessionManager({
      api: () => auth.client(),
      viewHost,
      pool: createPartitionPool({ size: 1, wipe: (partition) => viewHost.wipe(partition) }),
      // An hour: only the stream can tell this console of the end within the test.
      pollIntervalMs: 3_600_000,
      log: () => undefined,
    });
    const states: LiveUpdatesState[] = [];
    let auditSyncs = 0;
    const live = createLiveUpdates({
      shopUrl: () => auth.shopUrl(),
      tokens: () => auth.tokens(),
      onSession: (session) => void sessions.told(session),
      onAuditGrew: () => {
        auditSyncs += 1;
      },
      onLive: () => void sessions.pollNow(),
      onState: (state) => {
        states.push(state);
        sessions.setStreamLive(state === 'live');
      },
      log: () => undefined,
      auditSyncGapMs: 50,
    });
    try {
      live.start();
      await until('the stream to be live', () => Promise.resolve(states.includes('live')));
      const open = await startJaneView(sessions, code, 'agent@demo.test');
      await until('the audit sync the start asked for', () => Promise.resolve(auditSyncs > 0));

      const supervisor = await signedInAuth(shop, code, 'supervisor@demo.test');
      await supervisor
        .client()
        .endSession(open.session.id, { reason: 'terminated_by_supervisor', note: 'Call is over' });
      const ended = await until('the console to hear of it', () =>
        Promise.resolve(sessions.list().find((s) => s.session.id === open.session.id && s.state === 'ended')),
      );
      expect(ended.session.endReason).toBe('terminated_by_supervisor');
      expect(ended.endedMessage).toContain('Sam Supervisor');
      supervisor.dispose();
    } finally {
      live.stop();
      await sessions.endAll('app_exit');
      sessions.dispose();
      auth.dispose();
    }
    expect(states.at(-1)).toBe('stopped');
  });
});
