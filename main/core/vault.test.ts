import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createVault, osKeychain, type Keychain } from './vault';

/**
 * Runs against the real OS keychain. `.ci/with-keyring.sh` provides one (a private D-Bus with
 * gnome-keyring) and sets CONCIERGE_KEYCHAIN_REQUIRED=1: then a missing keychain fails the
 * suite. Without it the suite is skipped with the reason printed.
 */
const keychainRequired = process.env.CONCIERGE_KEYCHAIN_REQUIRED === '1';

async function keychainWorks(): Promise<string | null> {
  try {
    await osKeychain().get('concierge-test', 'probe');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const problem = await keychainWorks();
if (problem && keychainRequired) throw new Error(`CONCIERGE_KEYCHAIN_REQUIRED=1 but the OS keychain does not work: ${problem}`);
if (problem) console.warn(`[vault tests] skipped: no usable OS keychain here (${problem}); run them via bash .ci/with-keyring.sh`);

const brokenKeychain: Keychain = {
  get: () => Promise.reject(new Error('Platform secure storage failure')),
  set: () => Promise.reject(new Error('Platform secure storage failure')),
  delete: () => Promise.reject(new Error('Platform secure storage failure')),
};

describe.skipIf(problem !== null)('credential vault on the OS keychain', () => {
  // Each test uses its own service name so runs never see each other's entries.
  const service = () => `concierge-test-${randomBytes(4).toString('hex')}`;
  const shop = 'http://127.0.0.1:4310';

  it('stores, restores after a restart and forgets a refresh token', async () => {
    const name = service();
    const first = createVault({ service: name });
    expect(await first.state()).toEqual({ available: true, message: null });
    expect(await first.restore(shop)).toBeNull();
    await first.save(shop, 'Agent@Demo.test', 'refresh-1');

    // A new vault instance over the same keychain is what a restart looks like.
    const second = createVault({ service: name });
    expect(await second.restore(shop)).toEqual({ email: 'agent@demo.test', refreshToken: 'refresh-1' });
    expect(await osKeychain().get(name, `${shop}|agent@demo.test`)).toBe('refresh-1');
    expect(await second.restore('http://127.0.0.1:9999')).toBeNull();

    await second.forget(shop, 'agent@demo.test');
    expect(await createVault({ service: name }).restore(shop)).toBeNull();
    expect(await osKeychain().get(name, `${shop}|agent@demo.test`)).toBeNull();
    // The last account is remembered (to prefill the sign-in form), its token is not.
    expect(await second.lastEmail(shop)).toBe('agent@demo.test');
    await osKeychain().delete(name, `${shop}|last-account`);
  });

  it('keeps one token per account and restores the last one signed in', async () => {
    const name = service();
    const vault = createVault({ service: name });
    await vault.save(shop, 'agent@demo.test', 'a');
    await vault.save(shop, 'supervisor@demo.test', 's');
    expect(await vault.restore(shop)).toEqual({ email: 'supervisor@demo.test', refreshToken: 's' });
    await vault.forget(shop, 'supervisor@demo.test');
    await vault.forget(shop, 'agent@demo.test');
    await vault.forget(shop, 'nobody@demo.test');
    expect(await vault.restore(shop)).toBeNull();
    await osKeychain().delete(name, `${shop}|last-account`);
  });
});

describe('credential vault without a keychain', () => {
  it('says so clearly and stores nothing', async () => {
    const vault = createVault({ keychain: brokenKeychain });
    const state = await vault.state();
    expect(state.available).toBe(false);
    expect(state.message).toMatch(/keychain is not available.*until the console closes/i);
    await vault.save('http://127.0.0.1:4310', 'agent@demo.test', 'secret');
    expect(await vault.restore('http://127.0.0.1:4310')).toBeNull();
    expect(await vault.lastEmail('http://127.0.0.1:4310')).toBeNull();
  });
});
