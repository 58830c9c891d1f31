import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import type { RecoveryNotice } from '../../../shared/ipc/contract';
import type { Handlers } from '../test/fake-bridge';
import { refusal } from '../test/fake-bridge';
import { signedIn, stores } from '../test/fixtures';
import { renderConsole } from '../test/render';

afterEach(cleanup);

const ended: RecoveryNotice = {
  message: '1 session from your last run was still open at the shop and has now been ended.',
  sessions: [
    {
      sessionId: 'ses_old',
      customerName: 'Jane Smith',
      outcome: 'ended_now',
      endReason: 'app_exit',
      detail: 'Ended now, when you signed in again.',
    },
  ],
};

const lost: RecoveryNotice = {
  message: '1 session from your last run had already been ended by the shop because the console stopped answering.',
  sessions: [
    {
      sessionId: 'ses_lost',
      customerName: 'John Doe',
      outcome: 'already_ended',
      endReason: 'console_lost',
      detail: 'Ended: the console stopped answering the shop.',
    },
  ],
};

function handlers(notice: RecoveryNotice | null, extra: Handlers = {}): Handlers {
  return {
    'auth.state': () => signedIn('agent', true),
    'sessions.open': () => [],
    'sessions.recovery': () => ({ notice }),
    'shop.stores': () => stores,
    'shop.searchCustomers': () => ({ items: [], nextCursor: null }),
    ...extra,
  };
}

const region = () => screen.findByRole('status', { name: 'Sessions from your last run' });

describe('notice about sessions the last run left open', () => {
  it('tells the agent what the sign-in ended, until they dismiss it', async () => {
    let current: RecoveryNotice | null = ended;
    const { fake, user } = renderConsole(
      handlers(null, {
        'sessions.recovery': () => ({ notice: current }),
        'sessions.dismissRecovery': () => {
          current = null;
          return {};
        },
      }),
    );
    const notice = within(await region());
    expect(
      notice.getByText('1 session from your last run was still open at the shop and has now been ended.'),
    ).toBeTruthy();
    expect(notice.getByText('Jane Smith: Ended now, when you signed in again.')).toBeTruthy();

    await user.click(notice.getByRole('button', { name: 'Dismiss' }));
    expect(fake.callsTo('sessions.dismissRecovery')).toEqual([{}]);
    await waitFor(() => {
      expect(screen.queryByRole('status', { name: 'Sessions from your last run' })).toBeNull();
    });
  });

  it('appears when main reports a recovery after the console has loaded, and says when the console was lost', async () => {
    const { fake } = renderConsole(handlers(null));
    await screen.findByRole('navigation', { name: 'Screens and sessions' });
    expect(screen.queryByRole('status', { name: 'Sessions from your last run' })).toBeNull();
    act(() => {
      fake.emit('sessions.recovery', { notice: lost });
    });
    const notice = within(await region());
    expect(notice.getByText(/because the console stopped answering/)).toBeTruthy();
    expect(notice.getByText('John Doe: Ended: the console stopped answering the shop.')).toBeTruthy();
    act(() => {
      fake.emit('sessions.recovery', { notice: null });
    });
    await waitFor(() => {
      expect(screen.queryByRole('status', { name: 'Sessions from your last run' })).toBeNull();
    });
  });

  it('keeps the notice and says why when dismissing fails', async () => {
    const { user } = renderConsole(
      handlers(ended, {
        'sessions.dismissRecovery': () => {
          throw refusal('internal_error', 'Something went wrong in the console.', 'internal');
        },
      }),
    );
    const notice = within(await region());
    await user.click(notice.getByRole('button', { name: 'Dismiss' }));
    expect(await notice.findByRole('alert')).toBeTruthy();
    expect(notice.getByText('Jane Smith: Ended now, when you signed in again.')).toBeTruthy();
  });
});
