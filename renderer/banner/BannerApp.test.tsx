import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { BannerBridge, BannerState } from '../../shared/ipc/contract';
import { BannerApp } from './BannerApp';

afterEach(cleanup);

/** A test double of the banner preload: the test pushes states and sees "end" requests. */
function fakeBannerBridge() {
  const listeners = new Set<(s: BannerState) => void>();
  let ends = 0;
  const bridge: BannerBridge = {
    endSession: () => {
      ends += 1;
      return Promise.resolve();
    },
    onState: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
  return {
    bridge,
    push: (s: BannerState) => {
      for (const l of listeners) l(s);
    },
    ends: () => ends,
  };
}

const state: BannerState = {
  sessionId: 'ses_1',
  customerName: 'Jane Smith',
  customerEmail: 'jane@example.com',
  storeName: 'US store',
  mode: 'view',
  secondsLeft: 761,
  state: 'open',
};

describe('banner page', () => {
  it('says whom, where, how and how long, and ends the session', async () => {
    const fake = fakeBannerBridge();
    render(<BannerApp bridge={fake.bridge} />);
    act(() => {
      fake.push(state);
    });
    const banner = screen.getByRole('region', { name: 'Assisted session' });
    expect(banner.textContent).toBe(
      'Assisting Jane Smith (jane@example.com)·US store·View only·12:41 left·End session',
    );
    await userEvent.click(screen.getByRole('button', { name: 'End session' }));
    expect(fake.ends()).toBe(1);
    expect(screen.getByRole('button', { name: 'Ending…' })).toBeTruthy();
  });

  it('shows acting mode and an ended session', () => {
    const fake = fakeBannerBridge();
    render(<BannerApp bridge={fake.bridge} />);
    act(() => {
      fake.push({ ...state, mode: 'act', state: 'ended', secondsLeft: 0 });
    });
    const banner = screen.getByRole('region', { name: 'Assisted session' });
    expect(banner.textContent).toContain('Can act');
    expect(banner.textContent).toContain('ended');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'End session' }).disabled).toBe(true);
  });
});
