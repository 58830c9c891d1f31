import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen } from '@testing-library/react';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/api/settings';
import { refusal } from '../test/fake-bridge';
import { signedIn, stores } from '../test/fixtures';
import { renderConsole } from '../test/render';

afterEach(cleanup);

const at = { initial: { screen: { name: 'settings' as const } } };

function handlers(save: (s: Settings) => Settings) {
  return {
    'auth.state': () => signedIn('admin'),
    'sessions.open': () => [],
    'shop.stores': () => stores,
    'shop.settings': () => DEFAULT_SETTINGS,
    'shop.saveSettings': save,
  };
}

describe('settings', () => {
  it('shows the shop’s settings and saves changes in the shop’s units', async () => {
    const { fake, user } = renderConsole(
      handlers((s) => s),
      at,
    );
    const idle = await screen.findByLabelText<HTMLInputElement>('Idle timeout (minutes)');
    expect(idle.value).toBe('10');
    expect(screen.getByLabelText<HTMLInputElement>('Maximum session length (minutes)').value).toBe('30');
    await user.click(screen.getByLabelText('Manual (the agent chooses)'));
    await user.selectOptions(screen.getByLabelText('Step-up before each session'), 'Authenticator code or password');
    await user.clear(idle);
    await user.type(idle, '15');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(fake.callsTo('shop.saveSettings')).toEqual([
      { ...DEFAULT_SETTINGS, storeSelection: 'manual', stepUpPolicy: 'totp_or_password', idleTimeoutSeconds: 900 },
    ]);
    expect(await screen.findByText('Saved.')).toBeTruthy();
  });

  it('validates before saving', async () => {
    const { fake, user } = renderConsole(
      handlers((s) => s),
      at,
    );
    const idle = await screen.findByLabelText('Idle timeout (minutes)');
    const max = screen.getByLabelText('Maximum session length (minutes)');
    await user.clear(idle);
    await user.type(idle, '45');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(screen.getByText('The idle timeout cannot be longer than the maximum session length.')).toBeTruthy();
    await user.clear(max);
    await user.type(max, 'soon');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(screen.getByText('Enter between 5 and 480 minutes (8 hours).')).toBeTruthy();
    expect(fake.callsTo('shop.saveSettings')).toHaveLength(0);
  });

  it('shows the shop’s own field errors', async () => {
    const { user } = renderConsole(
      handlers(() => {
        throw refusal('validation_failed', 'invalid settings', 'validation', [
          { path: 'maxSessionSeconds', message: 'too long for this shop' },
        ]);
      }),
      at,
    );
    await user.click(await screen.findByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('too long for this shop')).toBeTruthy();
    expect((await screen.findByRole('alert')).textContent).toContain('Not saved.');
  });
});
