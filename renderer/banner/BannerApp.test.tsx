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
  let keepAlives = 0;
  const bridge: BannerBridge = {
    endSession: () => {
      ends += 1;
      return Promise.resolve();
    },
    keepAlive: () => {
      keepAlives += 1;
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
    keepAlives: () => keepAlives,
  };
}

const state: BannerState = {
  sessionId: 'ses_1',
  customerName: 'Jane Smith',
  customerEmail: 'jane@example.com',
  storeName: 'US store',
  mode: 'view',
  reason: 'Customer cannot find her order',
  ticket: 'T-1001',
  secondsLeft: 761,
  idleSecondsLeft: 761,
  maxSecondsLeft: 1500,
  idleTimeoutSeconds: 900,
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
      'Assisting Jane Smith (jane@example.com) US store View only T-1001: Customer cannot find her order ' +
        'Idle 12:41 left Max 25:00 left End session',
    );
    expect(screen.getByRole('timer', { name: 'Idle time left' }).textContent).toBe('Idle 12:41 left');
    expect(screen.getByRole('button', { name: 'End session' }).getAttribute('aria-keyshortcuts')).toBe(
      'Control+Shift+E',
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
    expect(banner.textContent).toContain('Ended');
    expect(screen.queryByRole('button', { name: 'End session' })).toBeNull();
    expect(screen.queryByRole('timer')).toBeNull();
  });

  it('warns before the idle timeout and says "I\'m still here" to main', async () => {
    const fake = fakeBannerBridge();
    render(<BannerApp bridge={fake.bridge} />);
    act(() => {
      fake.push({ ...state, idleSecondsLeft: 42, secondsLeft: 42 });
    });
    expect(screen.getByRole('alert').textContent).toBe('About to end: no activity (idle timeout).');
    await userEvent.click(screen.getByRole('button', { name: 'I’m still here' }));
    expect(fake.keepAlives()).toBe(1);
    act(() => {
      fake.push({ ...state, idleSecondsLeft: 900, secondsLeft: 900 });
    });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says when the maximum length is about to end it, with nothing to extend', () => {
    const fake = fakeBannerBridge();
    render(<BannerApp bridge={fake.bridge} />);
    act(() => {
      fake.push({ ...state, idleSecondsLeft: 700, maxSecondsLeft: 50, secondsLeft: 50 });
    });
    expect(screen.getByRole('alert').textContent).toBe('About to end: the maximum session length is reached.');
    expect(screen.queryByRole('button', { name: 'I’m still here' })).toBeNull();
  });
});
