import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { REVERIFY_IDLE, type AuditReverifyStatus } from '../../../shared/ipc/contract';
import { auditStatus, signedIn, stores } from '../test/fixtures';
import type { Handlers } from '../test/fake-bridge';
import { renderConsole } from '../test/render';
import { giveElementsASize } from '../test/viewport';

giveElementsASize();
afterEach(cleanup);

const MILLION = 1_000_000;
const audit = { initial: { screen: { name: 'audit' as const } } };
const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

const withReverify = (reverify: Partial<AuditReverifyStatus>) =>
  auditStatus({
    lastSeq: MILLION,
    headSeq: MILLION,
    synced: MILLION,
    verification: { ok: true, checked: MILLION },
    reverify: { ...REVERIFY_IDLE, ...reverify },
  });

function handlers(extra: Handlers = {}): Handlers {
  return {
    'auth.state': () => signedIn('supervisor'),
    'sessions.open': () => [],
    'shop.stores': () => stores,
    'audit.status': () => withReverify({}),
    'audit.query': () => ({ total: 0, events: [] }),
    ...extra,
  };
}

describe('re-verification in the audit status bar', () => {
  it('starts a pass on "Verify again", shows its progress with the button disabled, then its result', async () => {
    const running = withReverify({ state: 'running', checked: 0, total: MILLION });
    const { fake } = renderConsole(handlers({ 'audit.verifyAgain': () => running }), audit);
    const button = await screen.findByRole<HTMLButtonElement>('button', { name: 'Verify again' });
    expect(button.disabled).toBe(false);
    fireEvent.click(button);
    const progress = screen.getByRole('status', { name: 'Re-verification' });
    await waitFor(() => {
      expect(progress.textContent).toBe('Re-verifying… 0 of 1,000,000');
    });
    expect(fake.callsTo('audit.verifyAgain')).toEqual([{}]);
    expect(button.disabled).toBe(true);

    fake.emit('audit.status', withReverify({ state: 'running', checked: 412_000, total: MILLION }));
    await waitFor(() => {
      expect(progress.textContent).toBe('Re-verifying… 412,000 of 1,000,000');
    });
    expect(button.disabled).toBe(true);

    const at = '2026-11-21T14:02:00.000Z';
    fake.emit('audit.status', withReverify({ checked: MILLION, total: MILLION, lastCompletedAt: at }));
    await waitFor(() => {
      expect(progress.textContent).toBe(`Re-verified 1,000,000 events at ${clock.format(new Date(at))}`);
    });
    expect(button.disabled).toBe(false);
  });

  it('says nothing of a pass over an empty copy, and counts one event as one', async () => {
    const { fake } = renderConsole(
      handlers({
        'audit.status': () => withReverify({ checked: 0, total: 0, lastCompletedAt: '2026-11-21T14:02:00.000Z' }),
      }),
      audit,
    );
    const progress = await screen.findByRole('status', { name: 'Re-verification' });
    expect(progress.textContent).toBe('');
    const at = '2026-11-21T14:03:00.000Z';
    fake.emit(
      'audit.status',
      auditStatus({
        lastSeq: 1,
        headSeq: 1,
        synced: 1,
        verification: { ok: true, checked: 1 },
        reverify: { ...REVERIFY_IDLE, checked: 1, total: 1, lastCompletedAt: at },
      }),
    );
    await waitFor(() => {
      expect(progress.textContent).toBe(`Re-verified 1 event at ${clock.format(new Date(at))}`);
    });
    expect(screen.getByRole('status', { name: 'Chain verification' }).textContent).toBe('✓ Chain verified (1 event)');
  });

  it('shows in red an event a pass found no longer verifying', async () => {
    const found = withReverify({
      checked: 4710,
      total: MILLION,
      lastCompletedAt: '2026-11-21T14:02:00.000Z',
      problem: { seq: 4711, problem: 'checkpoint_mismatch' },
    });
    renderConsole(
      handlers({
        'audit.status': () => ({ ...found, verification: { ok: false, badSeq: 4711, problem: 'checkpoint_mismatch' } }),
      }),
      audit,
    );
    const problem = await screen.findByText(
      "✗ Re-verification: event 4711 no longer verifies (a signed checkpoint of the shop's disagrees with it)",
    );
    expect(problem.className).toBe('bad');
  });

  it('shows nothing about re-verification before the first pass, and why "Verify again" failed', async () => {
    renderConsole(
      handlers({
        'audit.verifyAgain': () => {
          throw new Error('The audit mirror is closed.');
        },
      }),
      audit,
    );
    const button = await screen.findByRole('button', { name: 'Verify again' });
    expect(screen.getByRole('status', { name: 'Re-verification' }).textContent).toBe('');
    fireEvent.click(button);
    expect(await screen.findByText('The audit mirror is closed.', { exact: false })).toBeTruthy();
  });
});
