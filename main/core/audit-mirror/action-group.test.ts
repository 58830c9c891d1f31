import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AuditAction, type AuditEvent } from '../../../shared/api/audit';
import { AUDIT_ACTION_GROUPS } from '../../../shared/audit/action-groups';
import type { AuditFilter } from '../../../shared/ipc/contract';
import { appendAudit } from '../../../shop/audit/append';
import { seedStaff } from '../../../shop/seed/staff';
import { apiRequest, signIn } from '../../../shop/test/auth-helpers';
import { testMirrorTemplate } from '../../test/mirror-template';
import { describeBackends, startTestShop, type TestShop } from '../../../shop/test/harness';
import { createAuditMirror, type AuditMirror } from './index';

const REFUSED: ReadonlySet<string> = new Set(AUDIT_ACTION_GROUPS.refused);

describeBackends('audit mirror: the "refused" action group', (backend) => {
  let shop: TestShop;
  let mirror: AuditMirror;
  let dir: string;

  beforeAll(async () => {
    shop = await startTestShop(backend, { seed: seedStaff });
    dir = await mkdtemp(join(tmpdir(), 'audit-group-'));
    // Every action, three times over and interleaved, by two staff members; a third say "probe".
    await shop.ctx.db.transaction(async (tx) => {
      for (let i = 0; i < 3 * AuditAction.options.length; i++) {
        const action = AuditAction.options[i % AuditAction.options.length] ?? 'settings.changed';
        const actor =
          i % 2 === 0
            ? { type: 'staff' as const, id: 'stf_agent', name: 'Alex Agent' }
            : { type: 'staff' as const, id: 'stf_admin', name: 'Ada Admin' };
        await appendAudit(tx, shop.clock, { action, actor, details: { note: i % 3 === 0 ? 'probe' : 'plain' } });
      }
    });
    // And a real denial over HTTP: an agent asking for the settings.
    const agent = await signIn(shop.url, 'agent@demo.test', { clock: shop.clock });
    expect((await apiRequest(shop.url, 'GET', '/settings', { token: agent.accessToken })).status).toBe(403);
    const admin = await signIn(shop.url, 'admin@demo.test', { clock: shop.clock });
    mirror = createAuditMirror({
      dataDir: join(dir, 'mirror'),
      templateDir: await testMirrorTemplate(),
      source: {
        shopUrl: shop.url,
        tokens: { accessToken: () => admin.accessToken, refreshAccessToken: () => Promise.resolve(false) },
      },
    });
    await mirror.sync();
  });

  afterAll(async () => {
    await mirror.close();
    await shop.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Every event, newest first, as the oracle the group filter is checked against. */
  async function everything(): Promise<AuditEvent[]> {
    return (await mirror.query({}, 0, 500)).events;
  }

  it('returns exactly the refusal actions, newest first, with their total', async () => {
    const expected = (await everything()).filter((e) => REFUSED.has(e.action));
    const page = await mirror.query({ actionGroup: 'refused' }, 0, 500);
    expect(page.events.map((e) => e.seq)).toEqual(expected.map((e) => e.seq));
    expect(page.total).toBe(expected.length);
    // Every action of the group is there, access.denied from the shop's own 403 among them.
    expect(new Set(page.events.map((e) => e.action))).toEqual(REFUSED);
    expect(
      page.events.find((e) => e.action === 'access.denied' && e.details.route === 'GET /api/v1/settings'),
    ).toBeDefined();

    const deeper = await mirror.query({ actionGroup: 'refused' }, 5, 5);
    expect(deeper.events.map((e) => e.seq)).toEqual(expected.slice(5, 10).map((e) => e.seq));
    expect(deeper.total).toBe(expected.length);
  });

  it('combines with the other filters', async () => {
    const all = await everything();
    const cases: [AuditFilter, (e: AuditEvent) => boolean][] = [
      [{ actionGroup: 'refused', staffId: 'stf_agent' }, (e) => e.actor.type === 'staff' && e.actor.id === 'stf_agent'],
      [{ actionGroup: 'refused', text: 'probe' }, (e) => e.details.note === 'probe'],
      [{ actionGroup: 'refused', action: 'staff.' }, (e) => e.action.startsWith('staff.')],
      [{ actionGroup: 'refused', action: 'session.page_view' }, () => false],
    ];
    for (const [filter, also] of cases) {
      const expected = all.filter((e) => REFUSED.has(e.action) && also(e));
      const page = await mirror.query(filter, 0, 500);
      expect(
        page.events.map((e) => e.seq),
        JSON.stringify(filter),
      ).toEqual(expected.map((e) => e.seq));
      expect(page.total, JSON.stringify(filter)).toBe(expected.length);
    }
  });

  it('exports the group alone', async () => {
    const expected = (await everything()).filter((e) => REFUSED.has(e.action)).reverse();
    const file = join(dir, 'refused.jsonl');
    expect(await mirror.exportTo({ actionGroup: 'refused' }, 'jsonl', file)).toEqual({ count: expected.length });
    // After the header line (this shop signs nothing, so no keys or checkpoints follow it), the events.
    const [header, ...lines] = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEvent);
    expect(header).toMatchObject({ export: { filter: { actionGroup: 'refused' } } });
    expect(lines.map((e) => e.seq)).toEqual(expected.map((e) => e.seq));
  });
});
