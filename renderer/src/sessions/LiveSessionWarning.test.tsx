import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, within } from '@testing-library/react';
import type { Role } from '../../../shared/api/auth';
import { refusal, type Handlers } from '../test/fake-bridge';
import { consoleHandlers, jane, session } from '../test/fixtures';
import { renderConsole } from '../test/render';
import { liveLines } from './LiveSessionWarning';

afterEach(cleanup);

const handlers = (role: Role, extra: Handlers = {}) =>
  consoleHandlers({ role }, { 'shop.customerActiveSessions': () => ({ items: [] }), ...extra });

async function startDialog(h: Handlers) {
  const r = renderConsole(h, { initial: { screen: { name: 'customer', customerId: jane.id } } });
  await r.user.click(await screen.findByRole('button', { name: 'Start session' }));
  return { ...r, dialog: within(await screen.findByRole('dialog', { name: 'Start assisted session' })) };
}

const colleague = { staffName: 'Sam Agent', mode: 'act' as const, startedAt: '2026-11-21T10:40:00.000Z' };

describe('warning of a second session with the customer', () => {
  it("tells an agent of a colleague's session they cannot read: who and since when", async () => {
    const { fake, dialog } = await startDialog(
      handlers('agent', { 'shop.customerActiveSessions': () => ({ items: [colleague] }) }),
    );
    const warning = await dialog.findByRole('status');
    expect(warning.textContent).toContain('Jane Smith already has an assisted session open:');
    expect(warning.textContent).toMatch(/Sam Agent, since .+ \(Can act\)/);
    expect(warning.textContent).toContain('Check with them before you start another');
    expect(fake.callsTo('shop.customerActiveSessions')).toEqual([{ customerId: jane.id }]);
  });

  it('lists the agent’s own session once, with its ticket, beside a colleague’s', async () => {
    const mine = session({ ticket: 'T-9', startedAt: '2026-11-21T11:00:00.000Z' });
    const { dialog } = await startDialog(
      handlers('agent', {
        'shop.sessions': () => ({ items: [mine] }),
        'shop.customerActiveSessions': () => ({
          items: [colleague, { staffName: mine.staffName, mode: mine.mode, startedAt: mine.startedAt }],
        }),
      }),
    );
    const warning = await dialog.findByRole('status');
    expect(warning.textContent).toContain('2 assisted sessions');
    const items = [...warning.querySelectorAll('li')].map((li) => li.textContent);
    expect(items).toHaveLength(2);
    expect(items[0]).toMatch(/^Sam Agent, since /);
    expect(items[1]).toMatch(/^You, since .+ \(View only, ticket T-9\)$/);
  });

  it('still warns of the readable sessions when the shop cannot list everyone’s, and says so', async () => {
    const { dialog } = await startDialog(
      handlers('agent', {
        'shop.sessions': () => ({ items: [session()] }),
        'shop.customerActiveSessions': () => {
          throw refusal('internal_error', 'boom', 'shop');
        },
      }),
    );
    const warning = await dialog.findByRole('status');
    expect(warning.textContent).toMatch(/You, since /);
    expect(await within(warning).findByText(/Colleagues’ sessions could not be checked/)).toBeTruthy();
  });

  it('says nothing when nobody is in the account', async () => {
    const { dialog } = await startDialog(handlers('agent'));
    await dialog.findByLabelText('Reason (required)');
    expect(dialog.queryByRole('status')).toBeNull();
  });
});

describe('liveLines', () => {
  it('merges the readable sessions and everyone’s, oldest first, without ended ones or duplicates', () => {
    const staff = { id: 'stf_agent', name: 'Agent Demo' };
    const readable = [
      session({ id: 'ses_a' }),
      session({ id: 'ses_b', status: 'ended', startedAt: '2026-11-21T09:00:00.000Z' }),
    ];
    const lines = liveLines(
      readable,
      [colleague, { staffName: 'Agent Demo', mode: 'view', startedAt: readable[0]?.startedAt ?? '' }],
      staff,
    );
    expect(lines.map((l) => [l.who, l.mine])).toEqual([
      ['Sam Agent', false],
      ['You', true],
    ]);
  });
});
