import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, screen, waitFor } from '@testing-library/react';
import { signedIn } from '../test/fixtures';
import { renderConsole } from '../test/render';

afterEach(cleanup);

const NOTICE = 'Live updates are reconnecting — the console checks the shop every few seconds meanwhile.';

describe('live updates banner', () => {
  it('says so while the shop’s event stream reconnects, and goes once it is live again', async () => {
    const { fake } = renderConsole({
      'auth.state': () => signedIn('agent'),
      'sessions.open': () => [],
      'live.state': () => 'reconnecting',
    });
    expect((await screen.findByText(NOTICE)).getAttribute('role')).toBe('status');

    act(() => {
      fake.emit('live.state', 'live');
    });
    await waitFor(() => {
      expect(screen.queryByText(NOTICE)).toBeNull();
    });
    expect(screen.getByRole('combobox', { name: 'Search customers' })).toBeTruthy();

    act(() => {
      fake.emit('live.state', 'reconnecting');
    });
    expect(await screen.findByText(NOTICE)).toBeTruthy();
  });
});
