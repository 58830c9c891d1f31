import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen } from '@testing-library/react';
import type { AuthState } from '../../../shared/ipc/contract';
import { refusal } from '../test/fake-bridge';
import { keychain, signedIn, staff } from '../test/fixtures';
import { renderConsole } from '../test/render';

afterEach(cleanup);

const signedOut: AuthState = {
  status: 'signed_out',
  shopUrl: 'http://127.0.0.1:4310',
  shops: ['http://127.0.0.1:4310'],
  keychain,
  lastEmail: null,
};
const mfa: AuthState = { status: 'mfa_required', shopUrl: 'http://127.0.0.1:4310', keychain, email: 'agent@demo.test' };

async function fillPassword(user: ReturnType<typeof renderConsole>['user'], password = 'concierge-demo') {
  await user.type(await screen.findByLabelText('Email'), 'agent@demo.test');
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Continue' }));
}

describe('sign-in', () => {
  it('restores the previous sign-in without asking', async () => {
    const { fake } = renderConsole({
      'auth.state': () => signedIn('agent', true),
      'sessions.open': () => [],
      'shop.stores': () => [],
    });
    expect(await screen.findByText('Agent Demo')).toBeTruthy();
    expect(screen.queryByLabelText('Password')).toBeNull();
    expect(fake.callsTo('auth.signIn')).toHaveLength(0);
  });

  it('signs in with password, then the authenticator code, and defaults to the local demo shop', async () => {
    const { fake, user } = renderConsole({
      'auth.state': () => signedOut,
      'auth.signIn': () => mfa,
      'auth.verifyMfa': () => signedIn('agent'),
      'sessions.open': () => [],
      'shop.stores': () => [],
    });
    const shop = await screen.findByLabelText<HTMLInputElement>('Shop address');
    expect(shop.value).toBe('http://127.0.0.1:4310');
    expect(shop.readOnly).toBe(true);
    await fillPassword(user);
    expect(fake.callsTo('auth.signIn')).toEqual([
      { shopUrl: 'http://127.0.0.1:4310', email: 'agent@demo.test', password: 'concierge-demo' },
    ]);
    await user.type(await screen.findByLabelText('Authenticator code'), '123456');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(fake.callsTo('auth.verifyMfa')).toEqual([{ code: '123456' }]);
    expect(await screen.findByRole('button', { name: 'Customers' })).toBeTruthy();
    expect(screen.getByText(staff('agent').name)).toBeTruthy();
  });

  it('offers only the shops the console was started for', async () => {
    const { fake, user } = renderConsole({
      'auth.state': () => ({ ...signedOut, shops: ['http://127.0.0.1:4310', 'https://shop.example.com'] }),
      'auth.signIn': () => mfa,
    });
    const shop = await screen.findByLabelText<HTMLSelectElement>('Shop address');
    expect([...shop.options].map((o) => o.value)).toEqual(['http://127.0.0.1:4310', 'https://shop.example.com']);
    await user.selectOptions(shop, 'https://shop.example.com');
    await fillPassword(user);
    expect(fake.callsTo('auth.signIn')).toEqual([
      { shopUrl: 'https://shop.example.com', email: 'agent@demo.test', password: 'concierge-demo' },
    ]);
  });

  it('explains a wrong password', async () => {
    const { user } = renderConsole({
      'auth.state': () => signedOut,
      'auth.signIn': () => {
        throw refusal('invalid_credentials', 'invalid email or password', 'auth');
      },
    });
    await fillPassword(user, 'wrong');
    expect((await screen.findByRole('alert')).textContent).toContain('The email or password is not right.');
  });

  it('explains a wrong code', async () => {
    const { user } = renderConsole({
      'auth.state': () => mfa,
      'auth.verifyMfa': () => {
        throw refusal('invalid_mfa_code', 'bad code', 'auth');
      },
    });
    await user.type(await screen.findByLabelText('Authenticator code'), '000000');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toContain('That code is not right or has expired.');
  });

  it('explains a throttled sign-in', async () => {
    const { user } = renderConsole({
      'auth.state': () => signedOut,
      'auth.signIn': () => {
        throw refusal('too_many_attempts', 'throttled', 'auth');
      },
    });
    await fillPassword(user);
    expect((await screen.findByRole('alert')).textContent).toContain('wait a moment before trying again');
  });

  it('explains an unreachable shop', async () => {
    const { user } = renderConsole({
      'auth.state': () => signedOut,
      'auth.signIn': () => {
        throw refusal('shop_unreachable', 'connect ECONNREFUSED 127.0.0.1:4310', 'network');
      },
    });
    await fillPassword(user);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The shop cannot be reached');
    expect(alert.textContent).toContain('ECONNREFUSED');
  });

  it('says when the keychain is unavailable', async () => {
    renderConsole({
      'auth.state': () => ({
        ...signedOut,
        keychain: { available: false, message: 'No keychain: sign-in lasts for this run only.' },
      }),
    });
    expect(await screen.findByText('No keychain: sign-in lasts for this run only.')).toBeTruthy();
  });

  it('follows main when it reports a sign-out', async () => {
    const { fake } = renderConsole({
      'auth.state': () => signedIn('agent'),
      'sessions.open': () => [],
      'shop.stores': () => [],
    });
    await screen.findByText('Agent Demo');
    fake.emit('auth.changed', { ...signedOut, lastEmail: 'agent@demo.test' });
    expect(await screen.findByLabelText('Password')).toBeTruthy();
    expect(screen.getByLabelText<HTMLInputElement>('Email').value).toBe('agent@demo.test');
  });
});
