import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, within } from '@testing-library/react';
import type { Role } from '../../../shared/api/auth';
import type { AssistSession } from '../../../shared/api/sessions';
import type { Handlers } from '../test/fake-bridge';
import { session, signedIn, stores } from '../test/fixtures';
import { renderConsole } from '../test/render';

afterEach(cleanup);

function handlers(role: Role, live: AssistSession[], extra: Handlers = {}): Handlers {
  return {
    'auth.state': () => signedIn(role),
    'sessions.open': () => [],
    'shop.stores': () => stores,
    'shop.sessions': () => ({ items: live }),
    ...extra,
  };
}

const live = { initial: { screen: { name: 'live' as const } } };

describe('live sessions', () => {
  it('shows who is assisting whom, since when, in which mode and why', async () => {
    renderConsole(handlers('supervisor', [session({ ticket: 'T-9' })]), live);
    const row = (await screen.findByText('Agent Demo')).closest('tr');
    expect(row?.textContent).toContain('Jane Smith');
    expect(row?.textContent).toContain('US store');
    expect(row?.textContent).toContain('View only');
    expect(row?.textContent).toContain('Customer cannot find her order');
    expect(row?.textContent).toContain('T-9');
  });

  it('terminates a session only with a reason', async () => {
    let list = [session()];
    const { fake, user } = renderConsole(
      handlers('supervisor', [], {
        'shop.sessions': () => ({ items: list }),
        'sessions.terminate': ({ sessionId }) => {
          list = [];
          return session({ id: sessionId, status: 'ended', endReason: 'terminated_by_supervisor' });
        },
      }),
      live,
    );
    await user.click(await screen.findByRole('button', { name: 'Terminate Agent Demo’s session with Jane Smith' }));
    const form = within(screen.getByRole('form', { name: 'Terminate session with Jane Smith' }));
    await user.click(form.getByRole('button', { name: 'Terminate session' }));
    expect(form.getByText(/Give a reason/)).toBeTruthy();
    expect(fake.callsTo('sessions.terminate')).toHaveLength(0);
    await user.type(form.getByLabelText('Reason for terminating'), 'Wrong customer');
    await user.click(form.getByRole('button', { name: 'Terminate session' }));
    expect(fake.callsTo('sessions.terminate')).toEqual([{ sessionId: 'ses_1', note: 'Wrong customer' }]);
    expect(await screen.findByText('Nobody is assisting a customer right now.')).toBeTruthy();
    expect(fake.callsTo('shop.sessions').every((a) => a.status === 'active')).toBe(true);
  });

  it('is not offered to agents', async () => {
    renderConsole(handlers('agent', []));
    await screen.findByText('Agent Demo');
    expect(screen.queryByRole('button', { name: 'Live sessions' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Settings' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Audit' })).toBeTruthy();
  });
});
