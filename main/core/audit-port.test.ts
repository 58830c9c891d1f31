import { afterAll, beforeAll, expect, it } from 'vitest';
import type { IpcEventName } from '../../shared/ipc/contract';
import { describeBackends, type TestShop } from '../../shop/test/harness';
import { brokenKeychain } from '../test/keychain';
import { DEMO_STAFF_PASSWORD, startDemoShop, totpCodes } from '../test/shop';
import { createAuditPort, mirrorKey } from './audit-port';
import { createConsoleCore, type ConsoleCore } from './console-core';
import { dispatch } from './ipc-handlers';
import { createVault } from './vault';
import type { ViewHost } from './view-host';

const noViews: ViewHost = {
  open: () => Promise.reject(new Error('no views in this test')),
  show: () => undefined,
  update: () => undefined,
  close: () => Promise.resolve(),
  wipe: () => Promise.resolve(),
};

describeBackends('audit mirror per signed-in staff member', (backend) => {
  let shop: TestShop;
  let code: (email: string) => string;
  let core: ConsoleCore;
  const events: IpcEventName[] = [];

  beforeAll(async () => {
    shop = await startDemoShop(backend);
    code = totpCodes(shop);
    core = createConsoleCore({
      shopUrl: shop.url,
      vault: createVault({ keychain: brokenKeychain }),
      viewHost: noViews,
      createAudit: ({ auth, emit }) => createAuditPort({ auth, emit, dataDirFor: () => null }),
      chooseExportPath: () => Promise.resolve(null),
      emit: (event) => { events.push(event); },
      pollIntervalMs: 60_000,
    });
  });
  afterAll(async () => {
    await core.shutdown();
    await shop.close();
  });

  async function signIn(email: string): Promise<void> {
    await dispatch(core.handlers, 'auth.signIn', { shopUrl: shop.url, email, password: DEMO_STAFF_PASSWORD });
    expect(await dispatch(core.handlers, 'auth.verifyMfa', { code: code(email) })).toMatchObject({ ok: true, value: { status: 'signed_in' } });
  }

  it('never shows the next person the previous person\'s mirror', async () => {
    expect(await dispatch(core.handlers, 'audit.status', {})).toMatchObject({ ok: true, value: { state: 'idle', synced: 0, message: 'Sign in to see the audit log.' } });
    expect(await dispatch(core.handlers, 'audit.sync', {})).toMatchObject({ ok: false, error: { kind: 'auth' } });

    // A trainee signs in first, so the shop holds someone else's events for the supervisor to see.
    await signIn('trainee@demo.test');
    await dispatch(core.handlers, 'auth.signOut', {});
    await signIn('supervisor@demo.test');
    expect(await dispatch(core.handlers, 'audit.sync', {})).toMatchObject({ ok: true, value: { verification: { ok: true } } });
    const all = await dispatch(core.handlers, 'audit.query', { filter: {}, offset: 0, limit: 500 });
    if (!all.ok) throw new Error(all.error.message);
    const supervisorView = all.value as { events: { actor: { id: string | null } }[] };
    expect(supervisorView.events.some((e) => e.actor.id === 'stf_trainee')).toBe(true);
    expect(events).toContain('audit.status');
    await dispatch(core.handlers, 'auth.signOut', {});

    await signIn('agent@demo.test');
    const before = await dispatch(core.handlers, 'audit.query', { filter: {}, offset: 0, limit: 500 });
    expect(before).toMatchObject({ ok: true, value: { total: 0 } });
    await dispatch(core.handlers, 'audit.sync', {});
    const own = await dispatch(core.handlers, 'audit.query', { filter: {}, offset: 0, limit: 500 });
    if (!own.ok) throw new Error(own.error.message);
    const agentView = own.value as { events: { actor: { id: string | null } }[] };
    expect(agentView.events.length).toBeGreaterThan(0);
    expect(agentView.events.some((e) => e.actor.id === 'stf_trainee' || e.actor.id === 'stf_supervisor')).toBe(false);
    await dispatch(core.handlers, 'auth.signOut', {});
  });

  it('names mirror folders without emails or URLs', () => {
    const key = mirrorKey('http://127.0.0.1:4310/', 'stf_agent');
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(mirrorKey('http://127.0.0.1:4310', 'stf_agent')).toBe(key);
    expect(mirrorKey('http://127.0.0.1:4311', 'stf_agent')).not.toBe(key);
  });
});
