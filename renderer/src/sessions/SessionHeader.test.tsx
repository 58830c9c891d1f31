import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import type { AuthState, OpenSession } from '../../../shared/ipc/contract';
import type { Handlers } from '../test/fake-bridge';
import { consoleHandlers, keychain, openSession } from '../test/fixtures';
import { renderConsole } from '../test/render';
import { deadlineWarning, isEndShortcut } from './session-deadline';
import { startedOrEnded } from './useOpenSessions';

afterEach(cleanup);

const janeSession = openSession();

const handlers = (list: OpenSession[], extra: Handlers = {}) => consoleHandlers({ open: list }, extra);

const signedOut = (): AuthState => ({
  status: 'signed_out',
  shopUrl: 'http://127.0.0.1:4310',
  shops: ['http://127.0.0.1:4310'],
  keychain,
  lastEmail: null,
});

const onSession = { initial: { screen: { name: 'session' as const, sessionId: 'ses_1' } } };
const header = () => within(screen.getByRole('region', { name: 'Assisted session' }));

describe('the session header', () => {
  it('is one line: customer, store, mode, ticket and reason, idle and maximum time left, End with its shortcut', async () => {
    renderConsole(handlers([openSession({}, { ticket: 'T-1001' })]), { kind: 'browser', ...onSession });
    const heading = await screen.findByRole('heading', { name: 'Jane Smith', level: 1 });
    // The session has the keyboard as it opens.
    await waitFor(() => {
      expect(document.activeElement).toBe(heading);
    });
    expect(header().getByText('US store')).toBeTruthy();
    expect(header().getByText('View only')).toBeTruthy();
    expect(header().getByText('T-1001: Customer cannot find her order')).toBeTruthy();
    expect(header().getByRole('timer', { name: 'Idle time left' }).textContent).toBe('Idle 12:41 left');
    expect(header().getByRole('timer', { name: 'Maximum length left' }).textContent).toBe('Max 25:00 left');
    const end = header().getByRole('button', { name: 'End session' });
    expect(end.getAttribute('aria-keyshortcuts')).toBe('Control+Shift+E');
    expect(end.title).toBe('End session (Ctrl+Shift+E)');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('ends the session on Ctrl+Shift+E, also while the live storefront has the keys', async () => {
    const { fake, user, inputs } = renderConsole(
      handlers([janeSession], {
        'sessions.end': () => ({ ...janeSession, state: 'ended', endedMessage: 'You ended this session.' }),
      }),
      { kind: 'browser', ...onSession },
    );
    await user.click(await screen.findByRole('application', { name: /^Storefront of Jane Smith/ }));
    await user.keyboard('{Control>}{Shift>}E{/Shift}{/Control}');
    expect(fake.callsTo('sessions.end')).toEqual([{ sessionId: 'ses_1' }]);
    expect(inputs).toEqual([]);
    expect(await screen.findByText('You ended this session.')).toBeTruthy();
  });

  it('warns before the idle timeout, says which deadline, and "I’m still here" moves it', async () => {
    const nearIdle = openSession({ secondsLeft: 45, idleSecondsLeft: 45, maxSecondsLeft: 900 });
    const { fake, user } = renderConsole(
      handlers([nearIdle], {
        'sessions.keepAlive': () => openSession({ secondsLeft: 600, idleSecondsLeft: 600, maxSecondsLeft: 899 }),
      }),
      { kind: 'browser', ...onSession },
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('About to end: no activity (idle timeout).');
    expect(header().getByRole('timer', { name: 'Idle time left' }).textContent).toBe('Idle 0:45 left');
    await user.click(header().getByRole('button', { name: 'I’m still here' }));
    expect(fake.callsTo('sessions.keepAlive')).toEqual([{ sessionId: 'ses_1' }]);
    await waitFor(() => {
      expect(screen.queryByRole('alert')).toBeNull();
    });
    expect(header().getByRole('timer', { name: 'Idle time left' }).textContent).toBe('Idle 10:00 left');
    expect(header().getByRole('timer', { name: 'Maximum length left' }).textContent).toBe('Max 14:59 left');
  });

  it('says when the maximum length is about to end it, which nothing extends', async () => {
    renderConsole(handlers([openSession({ secondsLeft: 30, idleSecondsLeft: 500, maxSecondsLeft: 30 })]), {
      kind: 'browser',
      ...onSession,
    });
    expect((await screen.findByRole('alert')).textContent).toBe('About to end: the maximum session length is reached.');
    expect(screen.queryByRole('button', { name: 'I’m still here' })).toBeNull();
  });

  it('in Electron leaves the live header to the banner view, and still takes the shortcut', async () => {
    const { fake, user } = renderConsole(
      handlers([janeSession], { 'sessions.end': () => ({ ...janeSession, state: 'ending' }) }),
      onSession,
    );
    const heading = await screen.findByRole('heading', { name: 'Session with Jane Smith' });
    await waitFor(() => {
      expect(document.activeElement).toBe(heading);
    });
    expect(screen.queryByRole('region', { name: 'Assisted session' })).toBeNull();
    expect(screen.queryByRole('timer')).toBeNull();
    await user.keyboard('{Control>}{Shift>}e{/Shift}{/Control}');
    expect(fake.callsTo('sessions.end')).toEqual([{ sessionId: 'ses_1' }]);
  });

  it('asks before signing out with live sessions, naming them', async () => {
    const { fake, user } = renderConsole(handlers([janeSession], { 'auth.signOut': () => signedOut() }));
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    const ask = screen.getByRole('alertdialog', { name: 'Sign out and end your open session?' });
    expect(ask.textContent).toContain('Jane Smith (US store)');
    await user.click(within(ask).getByRole('button', { name: 'Stay signed in' }));
    expect(fake.callsTo('auth.signOut')).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    await user.click(screen.getByRole('button', { name: 'Sign out and end them' }));
    expect(fake.callsTo('auth.signOut')).toEqual([{}]);
  });

  it('signs out at once without live sessions', async () => {
    const { fake, user } = renderConsole(handlers([], { 'auth.signOut': () => signedOut() }));
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(fake.callsTo('auth.signOut')).toEqual([{}]);
  });

  it('refreshes the shop’s session lists (a customer’s "Assisted sessions") the moment a session ends', async () => {
    const { fake } = renderConsole(handlers([janeSession]), {
      initial: { screen: { name: 'customer', customerId: 'cus_jane' } },
    });
    await screen.findByRole('heading', { name: 'Assisted sessions' });
    const asked = () => fake.callsTo('shop.sessions').length;
    const before = asked();
    fake.emit('sessions.changed', [{ ...janeSession, secondsLeft: 700 }]);
    fake.emit('sessions.changed', [{ ...janeSession, state: 'ended', endedMessage: 'Ended by the customer.' }]);
    await waitFor(() => {
      expect(asked()).toBeGreaterThan(before);
    });
  });
});

describe('deadlines and the shortcut', () => {
  it('warns about a minute before the deadline that comes first (half the idle timeout when shorter)', () => {
    expect(deadlineWarning({ idleSecondsLeft: 61, maxSecondsLeft: 900, idleTimeoutSeconds: 600 })).toBeNull();
    expect(deadlineWarning({ idleSecondsLeft: 60, maxSecondsLeft: 900, idleTimeoutSeconds: 600 })).toEqual({
      deadline: 'idle',
      secondsLeft: 60,
    });
    expect(deadlineWarning({ idleSecondsLeft: 31, maxSecondsLeft: 900, idleTimeoutSeconds: 60 })).toBeNull();
    expect(deadlineWarning({ idleSecondsLeft: 30, maxSecondsLeft: 900, idleTimeoutSeconds: 60 })?.deadline).toBe(
      'idle',
    );
    expect(deadlineWarning({ idleSecondsLeft: 50, maxSecondsLeft: 40, idleTimeoutSeconds: 600 })).toEqual({
      deadline: 'max',
      secondsLeft: 40,
    });
  });

  it('knows Ctrl+Shift+E and nothing near it', () => {
    const press = { key: 'E', ctrlKey: true, shiftKey: true, altKey: false, metaKey: false };
    expect(isEndShortcut(press)).toBe(true);
    expect(isEndShortcut({ ...press, key: 'e' })).toBe(true);
    expect(isEndShortcut({ ...press, shiftKey: false })).toBe(false);
    expect(isEndShortcut({ ...press, altKey: true })).toBe(false);
    expect(isEndShortcut({ ...press, key: 'K' })).toBe(false);
  });

  it('sees a session start or end between two lists, not a countdown', () => {
    const ended = { ...janeSession, state: 'ended' as const };
    expect(startedOrEnded([janeSession], [{ ...janeSession, secondsLeft: 3 }])).toBe(false);
    expect(startedOrEnded([janeSession], [ended])).toBe(true);
    expect(startedOrEnded([ended], [ended])).toBe(false);
    expect(startedOrEnded([], [janeSession])).toBe(true);
  });
});
