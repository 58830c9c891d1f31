import { describe, expect, it } from 'vitest';
import { brokenKeychain, keychainProblem, testService } from '../test/keychain';
import { createVault, osKeychain, type Keychain } from './vault';
import { KeychainError, toIpcError } from './errors';

/** Runs against the real OS keychain (see main/test/keychain.ts for when it skips or fails). */
const problem = await keychainProblem('vault');

describe.skipIf(problem !== null)('credential vault on the OS keychain', () => {
  const service = testService;
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
  it('finds out by writing, since reads of missing entries succeed without a keychain', async () => {
    const readsOnly: Keychain = { ...brokenKeychain, get: () => Promise.resolve(null) };
    expect(await createVault({ keychain: readsOnly }).state()).toMatchObject({ available: false });
  });

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

describe('credential vault whose keychain fails after it worked', () => {
  it('throws a KeychainError that the console shows as a keychain problem, with the cause kept', async () => {
    // The probe's write and delete work; the keychain is locked by the time a sign-in is stored.
    let locked = false;
    const locking: Keychain = {
      get: () => (locked ? brokenKeychain.get('', '') : Promise.resolve(null)),
      set: () => (locked ? brokenKeychain.set('', '', '') : Promise.resolve()),
      delete: () => (locked ? brokenKeychain.delete('', '') : Promise.resolve()),
    };
    const vault = createVault({ keychain: locking });
    expect(await vault.state()).toMatchObject({ available: true });
    locked = true;
    const failure = await vault
      .save('http://127.0.0.1:4310', 'agent@demo.test', 'secret')
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KeychainError);
    expect(toIpcError(failure)).toEqual({
      kind: 'keychain',
      code: 'keychain_failed',
      message: 'The system keychain could not store your sign-in: Platform secure storage failure: no Secret Service',
    });
    await expect(vault.restore('http://127.0.0.1:4310')).rejects.toBeInstanceOf(KeychainError);
    await expect(vault.forget('http://127.0.0.1:4310', 'agent@demo.test')).rejects.toBeInstanceOf(KeychainError);
  });
});
