import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import type { OpenSession } from '../../../shared/ipc/contract';
import type { Handlers } from '../test/fake-bridge';
import { consoleHandlers, openSession } from '../test/fixtures';
import { renderConsole } from '../test/render';

afterEach(cleanup);

const janeSession = openSession();
const johnSession = openSession(
  { secondsLeft: 125 },
  { id: 'ses_2', customerId: 'cus_john', customerName: 'John Doe', customerEmail: 'john@example.com', mode: 'act' },
);

const handlers = (list: OpenSession[], extra: Handlers = {}) => consoleHandlers({ open: list }, extra);

const tabs = () => within(screen.getByRole('navigation', { name: 'Screens and sessions' }));

describe('session tabs', () => {
  it('shows one tab per open session beside the search, each with its countdown', async () => {
    renderConsole(handlers([janeSession, johnSession]));
    await screen.findByRole('button', { name: /^Jane Smith/ });
    expect(tabs().getByRole('button', { name: 'Jane Smith 12:41' })).toBeTruthy();
    expect(tabs().getByRole('button', { name: 'John Doe 2:05' })).toBeTruthy();
    expect(tabs().getByRole('button', { name: 'Customers' })).toBeTruthy();
  });

  it('reports the storefront area to main while the tab is shown, and hides it on leaving', async () => {
    const { fake, user } = renderConsole(handlers([janeSession]));
    await screen.findByRole('navigation', { name: 'Screens and sessions' });
    await user.click(await tabs().findByRole('button', { name: /^Jane Smith/ }));
    expect(await screen.findByRole('region', { name: 'Session with Jane Smith' })).toBeTruthy();
    await waitFor(() => {
      expect(fake.callsTo('sessions.show').at(-1)).toMatchObject({ sessionId: 'ses_1', bounds: { x: 0, y: 0 } });
    });
    await user.click(tabs().getByRole('button', { name: 'Customers' }));
    await waitFor(() => {
      expect(fake.callsTo('sessions.show').at(-1)).toEqual({ sessionId: null });
    });
  });

  it('ends a session from its tab after asking, and folds the ended tab into "Recently ended"', async () => {
    const { fake, user } = renderConsole(
      handlers([janeSession], {
        'sessions.end': () => ({
          ...janeSession,
          state: 'ended',
          endedMessage: 'You ended this session.',
          session: { ...janeSession.session, status: 'ended', endedAt: '2026-11-21T11:05:00.000Z' },
        }),
      }),
    );
    await screen.findByRole('navigation', { name: 'Screens and sessions' });
    const close = await tabs().findByRole('button', { name: 'End session with Jane Smith' });
    await user.click(close);
    const ask = screen.getByRole('alertdialog', { name: 'End the session with Jane Smith?' });
    // The safe choice has the keyboard; Escape keeps the session and gives focus back.
    expect(document.activeElement).toBe(within(ask).getByRole('button', { name: 'Keep it open' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(close);
    expect(fake.callsTo('sessions.end')).toEqual([]);

    await user.click(close);
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'End session' }));
    expect(fake.callsTo('sessions.end')).toEqual([{ sessionId: 'ses_1' }]);
    const recent = await tabs().findByRole('button', { name: 'Recently ended (1)' });
    expect(tabs().queryByRole('button', { name: /^Jane Smith/ })).toBeNull();
    await user.click(recent);
    const list = within(tabs().getByRole('list', { name: 'Recently ended sessions' }));
    expect(list.getByRole('button', { name: /^Jane Smith/ }).textContent).toContain('You ended this session.');
    await user.click(list.getByRole('button', { name: 'Dismiss the ended session with Jane Smith' }));
    expect(tabs().queryByRole('button', { name: /^Recently ended/ })).toBeNull();
  });

  it('keeps the last five ended sessions, the latest first, each reopened to read how it ended', async () => {
    const ended = [1, 2, 3, 4, 5, 6].map((n) =>
      openSession(
        { state: 'ended', secondsLeft: 0, endedMessage: `Ended ${n}.` },
        {
          id: `ses_${n}`,
          customerName: `Customer ${n}`,
          status: 'ended',
          endedAt: `2026-11-21T11:0${n}:00.000Z`,
        },
      ),
    );
    const { user, store } = renderConsole(handlers(ended));
    await screen.findByRole('navigation', { name: 'Screens and sessions' });
    await user.click(await tabs().findByRole('button', { name: 'Recently ended (5)' }));
    const list = within(tabs().getByRole('list', { name: 'Recently ended sessions' }));
    expect(list.getAllByRole('button', { name: /^Customer \d/ }).map((b) => b.textContent.slice(0, 10))).toEqual([
      'Customer 6',
      'Customer 5',
      'Customer 4',
      'Customer 3',
      'Customer 2',
    ]);
    await user.click(list.getByRole('button', { name: /^Customer 4/ }));
    expect(store.getState().screen).toEqual({ name: 'session', sessionId: 'ses_4' });
    expect((await screen.findByRole('alert')).textContent).toContain('Ended 4.');
    expect(tabs().getByRole('button', { name: 'Recently ended (5)' }).getAttribute('aria-current')).toBe('page');
  });

  it('ends a session from the session screen', async () => {
    const { fake, user } = renderConsole(
      handlers([janeSession], {
        'sessions.end': () => ({ ...janeSession, state: 'ended', endedMessage: 'You ended this session.' }),
      }),
      { kind: 'browser', initial: { screen: { name: 'session', sessionId: 'ses_1' } } },
    );
    const pane = within(await screen.findByRole('region', { name: 'Session with Jane Smith' }));
    await user.click(pane.getByRole('button', { name: 'End session' }));
    expect(fake.callsTo('sessions.end')).toEqual([{ sessionId: 'ses_1' }]);
    expect(await pane.findByText('You ended this session.')).toBeTruthy();
  });

  it('closes with a visible reason when a supervisor or a timeout ends the session', async () => {
    const { fake, user, store } = renderConsole(handlers([janeSession]), {
      initial: { screen: { name: 'session', sessionId: 'ses_1' } },
    });
    await screen.findByRole('region', { name: 'Session with Jane Smith' });
    fake.emit('sessions.changed', [
      {
        ...janeSession,
        state: 'ended',
        endedMessage: 'Ended by a supervisor (Supervisor Demo): wrong customer',
        session: {
          ...janeSession.session,
          status: 'ended',
          endReason: 'terminated_by_supervisor',
          endNote: 'wrong customer',
        },
      },
    ]);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Ended by a supervisor (Supervisor Demo): wrong customer');
    await waitFor(() => {
      expect(fake.callsTo('sessions.show').at(-1)).toEqual({ sessionId: null });
    });
    await user.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(store.getState().screen).toEqual({ name: 'search' });
    expect(tabs().queryByRole('button', { name: /^Jane Smith/ })).toBeNull();
  });

  it('in the browser tier shows one session header and the live storefront in the content area', async () => {
    renderConsole(handlers([janeSession]), {
      kind: 'browser',
      initial: { screen: { name: 'session', sessionId: 'ses_1' } },
    });
    const banner = await screen.findByRole('region', { name: 'Assisted session' });
    expect(screen.getAllByRole('region', { name: 'Assisted session' })).toHaveLength(1);
    expect(within(banner).getByRole('heading', { level: 1 }).textContent).toBe('Jane Smith');
    expect(within(banner).getByRole('timer', { name: 'Idle time left' }).textContent).toBe('Idle 12:41 left');
    expect(within(banner).getByRole('timer', { name: 'Maximum length left' }).textContent).toBe('Max 25:00 left');
    expect(screen.getAllByRole('button', { name: 'End session' })).toHaveLength(1);
    const img = screen.getByRole<HTMLImageElement>('img', { name: /Live preview of the storefront as Jane Smith/ });
    expect(img.src).toMatch(/^http:\/\/console\.test\/views\/ses_1\/screencast\?token=t&connection=/);
    expect(screen.getByRole('application', { name: /^Storefront of Jane Smith: / })).toBeTruthy();
    expect(screen.getByText(/^Connecting to the storefront…/)).toBeTruthy();
  });
});
