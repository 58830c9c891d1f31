import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { IpcEventName } from '../../shared/ipc/contract';
import { describeAgainstOneShop, type TestShop } from '../../shop/test/harness';
import { DEMO_STAFF_PASSWORD, startDemoShop, totpCodes } from '../test/shop';
import { BACKGROUND_SYNC_INTERVAL_MS, mirrorKey } from './audit-port';
import type { ConsoleCore } from './console-core';
import { dispatch } from './ipc-handlers';
import { TEMPLATE_FOLDER } from './audit-mirror/template';
import { pathExists } from './private-dir';
import { consoleWithAuditFolders } from '../test/audit-console';

describeAgainstOneShop('audit mirror per signed-in staff member', (backend) => {
  let shop: TestShop;
  let code: (email: string) => string;
  let core: ConsoleCore;
  const events: IpcEventName[] = [];
  let dataRoot: string;

  beforeAll(async () => {
    dataRoot = await mkdtemp(join(tmpdir(), 'audit-port-'));
    shop = await startDemoShop(backend);
    code = totpCodes(shop);
    core = consoleWithAuditFolders(shop.url, dataRoot, {
      audit: { syncIntervalMs: BACKGROUND_SYNC_INTERVAL_MS },
      emit: (event) => {
        events.push(event);
      },
    });
  });
  afterAll(async () => {
    await core.shutdown();
    await shop.close();
    await rm(dataRoot, { recursive: true, force: true });
  });

  async function signIn(email: string): Promise<void> {
    await dispatch(core.handlers, 'auth.signIn', { shopUrl: shop.url, email, password: DEMO_STAFF_PASSWORD });
    expect(await dispatch(core.handlers, 'auth.verifyMfa', { code: code(email) })).toMatchObject({
      ok: true,
      value: { status: 'signed_in' },
    });
  }

  it("never shows the next person the previous person's mirror", async () => {
    expect(await dispatch(core.handlers, 'audit.status', {})).toMatchObject({
      ok: true,
      value: { state: 'idle', synced: 0, message: 'Sign in to see the audit log.' },
    });
    expect(await dispatch(core.handlers, 'audit.sync', {})).toMatchObject({ ok: false, error: { kind: 'auth' } });

    // The console set up the mirror template in the background as it started (no initdb to wait
    // for at a first sign-in), and signing in opens the mirror before anyone asks for it.
    const auditDir = join(dataRoot, 'console', 'audit');
    await expect.poll(() => pathExists(join(auditDir, TEMPLATE_FOLDER)), { timeout: 60_000 }).toBe(true);
    // A trainee signs in first, so the shop holds someone else's events for the supervisor to see.
    const statusEvents = events.filter((e) => e === 'audit.status').length;
    await signIn('trainee@demo.test');
    await expect
      .poll(() => events.filter((e) => e === 'audit.status').length, { timeout: 30_000 })
      .toBeGreaterThan(statusEvents);
    expect(await pathExists(join(auditDir, mirrorKey(shop.url, 'stf_trainee')))).toBe(true);
    // Every new mirror is a copy: the template stays for the next person.
    expect(await pathExists(join(auditDir, TEMPLATE_FOLDER))).toBe(true);
    await dispatch(core.handlers, 'auth.signOut', {});
    await signIn('supervisor@demo.test');
    expect(await dispatch(core.handlers, 'audit.sync', {})).toMatchObject({
      ok: true,
      value: { verification: { ok: true } },
    });
    const all = await dispatch(core.handlers, 'audit.query', { filter: {}, offset: 0, limit: 500 });
    if (!all.ok) throw new Error(all.error.message);
    const supervisorView = all.value as { events: { actor: { id: string | null } }[] };
    expect(supervisorView.events.some((e) => e.actor.id === 'stf_trainee')).toBe(true);
    expect(events).toContain('audit.status');
    await dispatch(core.handlers, 'auth.signOut', {});

    await signIn('agent@demo.test');
    // Nobody presses "Sync now": opening the viewer opens the mirror, which catches up by itself.
    const query = () => dispatch(core.handlers, 'audit.query', { filter: {}, offset: 0, limit: 500 });
    await expect
      .poll(
        async () => {
          const r = await query();
          return r.ok ? (r.value as { total: number }).total : -1;
        },
        { timeout: 30_000 },
      )
      .toBeGreaterThan(0);
    const own = await query();
    if (!own.ok) throw new Error(own.error.message);
    const agentView = own.value as { events: { seq: number; actor: { id: string | null } }[] };
    expect(agentView.events.length).toBeGreaterThan(0);
    expect(agentView.events.some((e) => e.actor.id === 'stf_trainee' || e.actor.id === 'stf_supervisor')).toBe(false);
    // The shop's newest events, which the viewer shows while a mirror opens: the agent's own too.
    const recent = await dispatch(core.handlers, 'audit.recent', { limit: 5 });
    if (!recent.ok) throw new Error(recent.error.message);
    const newest = (recent.value as { events: { seq: number; actor: { id: string | null } }[] }).events;
    expect(newest.length).toBeGreaterThan(0);
    expect(newest.map((e) => e.seq)).toEqual(agentView.events.slice(0, newest.length).map((e) => e.seq));
    expect(newest.some((e) => e.actor.id === 'stf_trainee' || e.actor.id === 'stf_supervisor')).toBe(false);
    // The pinned keys serve everyone who signs in at this machine: an agent cannot trust a key.
    expect(await dispatch(core.handlers, 'audit.trustKey', { keyId: '0123456789abcdef' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: 'Only a supervisor or an administrator can trust a signing key.' },
    });
    await dispatch(core.handlers, 'auth.signOut', {});

    // Each staff member's mirror lives in its own private folder under the console's data folder.
    const mirrors = (await readdir(auditDir)).filter((name) => !name.endsWith('.json') && name !== TEMPLATE_FOLDER);
    expect(mirrors.sort()).toEqual(
      ['stf_supervisor', 'stf_agent', 'stf_trainee'].map((staffId) => mirrorKey(shop.url, staffId)).sort(),
    );
    for (const name of mirrors) expect((await stat(join(auditDir, name))).mode & 0o777).toBe(0o700);
    // Three sign-ins, each opening and syncing a mirror copied from the template.
  }, 180_000);

  it('names mirror folders without emails or URLs', () => {
    const key = mirrorKey('http://127.0.0.1:4310/', 'stf_agent');
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(mirrorKey('http://127.0.0.1:4310', 'stf_agent')).toBe(key);
    expect(mirrorKey('http://127.0.0.1:4311', 'stf_agent')).not.toBe(key);
  });
});
