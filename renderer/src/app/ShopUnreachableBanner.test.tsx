import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen, waitFor } from '@testing-library/react';
import { refusal, type Handlers } from '../test/fake-bridge';
import { jane, signedIn, stores, summary } from '../test/fixtures';
import { renderConsole } from '../test/render';
import { AssistPolicy, DEFAULT_SETTINGS } from '../../../shared/api/settings';

// Asks the shop again quickly, so a test sees the retry.
vi.mock('./timing', () => ({ SHOP_RETRY_MS: 30 }));
afterEach(cleanup);

const BANNER = 'The shop is not answering — retrying…';

/** A shop that is down until `up()`: every shop call fails the way main reports an unreachable shop. */
function shop() {
  let reachable = false;
  const unlessDown =
    <T,>(value: () => T) =>
    () => {
      if (!reachable) throw refusal('shop_unreachable', 'connect ECONNREFUSED 127.0.0.1:4310', 'network');
      return value();
    };
  const handlers: Handlers = {
    'auth.state': () => signedIn('agent'),
    'sessions.open': () => [],
    'shop.stores': unlessDown(() => stores),
    'shop.assistPolicy': unlessDown(() => AssistPolicy.parse(DEFAULT_SETTINGS)),
    'shop.searchCustomers': unlessDown(() => ({ items: [summary(jane)], nextCursor: null })),
  };
  return {
    handlers,
    up: () => {
      reachable = true;
    },
  };
}

describe('shop unreachable banner', () => {
  it('shows one banner while the shop does not answer, retries, and goes once it answers again', async () => {
    const down = shop();
    const { user } = renderConsole(down.handlers);
    await user.type(await screen.findByRole('combobox', { name: 'Search customers' }), 'jane');
    const banner = await screen.findByRole('status');
    expect(banner.textContent).toBe(BANNER);
    expect(screen.getAllByText(BANNER)).toHaveLength(1);
    // It stays while the retries fail.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(screen.getByRole('status').textContent).toBe(BANNER);

    down.up();
    await waitFor(() => {
      expect(screen.queryByText(BANNER)).toBeNull();
    });
    // The search that failed is asked again, so the screen recovers on its own.
    expect(await screen.findByText('Jane Smith')).toBeTruthy();
  });

  it('shows nothing when calls fail for other reasons', async () => {
    const { user } = renderConsole({
      'auth.state': () => signedIn('agent'),
      'sessions.open': () => [],
      'shop.stores': () => stores,
      'shop.searchCustomers': () => {
        throw refusal('rate_limited', 'slow down');
      },
    });
    await user.type(await screen.findByRole('combobox', { name: 'Search customers' }), 'jane');
    expect(await screen.findByRole('alert')).toBeTruthy();
    expect(screen.queryByText(BANNER)).toBeNull();
  });
});
