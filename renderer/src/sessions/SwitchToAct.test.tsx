import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, within } from '@testing-library/react';
import type { OpenSession } from '../../../shared/ipc/contract';
import { refusal, type Handlers } from '../test/fake-bridge';
import { assistPolicy, consoleHandlers, openSession } from '../test/fixtures';
import { renderConsole } from '../test/render';

afterEach(cleanup);

const viewSession = openSession();
const actSession = openSession({}, { mode: 'act' });

const handlers = (list: OpenSession[], extra: Handlers = {}) => consoleHandlers({ open: list }, extra);

async function sessionHeader(h: Handlers) {
  const r = renderConsole(h, { kind: 'browser', initial: { screen: { name: 'session', sessionId: 'ses_1' } } });
  const header = within(await screen.findByRole('region', { name: 'Assisted session' }));
  return { ...r, header };
}

describe('switch to act', () => {
  it('switches a view session after the step-up, without ending it, and the header then says it can act', async () => {
    const { fake, user, header } = await sessionHeader(
      handlers([viewSession], { 'sessions.switchMode': () => actSession }),
    );
    expect(header.getByText('View only')).toBeTruthy();
    await user.click(header.getByRole('button', { name: 'Switch to act' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Switch to act' }));
    expect(dialog.getByText(/You will be able to shop for/).textContent).toContain('Jane Smith');
    // Nothing goes to main without a code.
    await user.click(dialog.getByRole('button', { name: 'Switch to act' }));
    expect(dialog.getByText('Enter the 6-digit code from your authenticator app.')).toBeTruthy();
    expect(fake.callsTo('sessions.switchMode')).toHaveLength(0);

    await user.type(dialog.getByLabelText('Authenticator code'), '123456');
    await user.click(dialog.getByRole('button', { name: 'Switch to act' }));
    expect(fake.callsTo('sessions.switchMode')).toEqual([
      { sessionId: 'ses_1', mode: 'act', stepUp: { code: '123456' } },
    ]);
    expect(await header.findByText('Can act')).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(header.queryByRole('button', { name: 'Switch to act' })).toBeNull();
    expect(fake.callsTo('sessions.end')).toHaveLength(0);
  });

  it('shows the shop’s refusal in the dialog and leaves the session view only', async () => {
    const message = 'Jane Smith no longer allows assistance, so this session cannot switch to act.';
    const { user, header } = await sessionHeader(
      handlers([viewSession], {
        'sessions.switchMode': () => {
          throw refusal('consent_required', message);
        },
      }),
    );
    await user.click(header.getByRole('button', { name: 'Switch to act' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Switch to act' }));
    await user.type(dialog.getByLabelText('Authenticator code'), '654321');
    await user.click(dialog.getByRole('button', { name: 'Switch to act' }));
    expect((await dialog.findByRole('alert')).textContent).toContain(message);
    expect(header.getByText('View only')).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('asks for the password where the shop’s step-up policy says so', async () => {
    const { fake, user, header } = await sessionHeader(
      handlers([viewSession], {
        'shop.assistPolicy': () => assistPolicy({ stepUpPolicy: 'password' }),
        'sessions.switchMode': () => actSession,
      }),
    );
    await user.click(header.getByRole('button', { name: 'Switch to act' }));
    const dialog = within(await screen.findByRole('dialog', { name: 'Switch to act' }));
    await user.type(await dialog.findByLabelText('Your password'), 'concierge-demo');
    await user.click(dialog.getByRole('button', { name: 'Switch to act' }));
    expect(fake.callsTo('sessions.switchMode')).toEqual([
      { sessionId: 'ses_1', mode: 'act', stepUp: { password: 'concierge-demo' } },
    ]);
  });

  it('is not offered in an act session', async () => {
    const { header } = await sessionHeader(handlers([actSession]));
    expect(header.getByText('Can act')).toBeTruthy();
    expect(header.queryByRole('button', { name: 'Switch to act' })).toBeNull();
  });
});
