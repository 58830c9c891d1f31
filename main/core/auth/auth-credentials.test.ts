import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import { createStoredCredentials } from './auth-credentials';
import { createLogging } from '../logging';
import { createVault, type Keychain } from '../vault';

/** A keychain that passes the vault's probe, then refuses everything else (locked after start-up). */
function lockedAfterProbe(): Keychain {
  const refuse = () => Promise.reject(new Error('the collection is locked'));
  return {
    get: refuse,
    set: (_service, account) => (account.startsWith('probe|') ? Promise.resolve() : refuse()),
    delete: (_service, account) => (account.startsWith('probe|') ? Promise.resolve() : refuse()),
  };
}

it('a keychain that refuses to store the sign-in: the agent is told it lasts until the console closes, and nothing throws', async () => {
  const terminal = new PassThrough();
  let printed = '';
  terminal.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const logging = createLogging({ terminal, terminalLevel: 'warn' });
  const credentials = createStoredCredentials({
    vault: createVault({ keychain: lockedAfterProbe() }),
    current: { phase: { kind: 'signed_out' }, shopUrl: 'http://127.0.0.1:4310', shops: ['http://127.0.0.1:4310'] },
    log: logging.logger('auth'),
  });
  expect(await credentials.keychain()).toEqual({ available: true, message: null });

  await credentials.save('agent@demo.test', 'refresh-token-value');
  const state = await credentials.keychain();
  expect(state.available).toBe(false);
  expect(state.message).toMatch(
    /^The keychain refused to store your sign-in, so it lasts until the console closes \(.*the collection is locked\)\.$/,
  );

  await credentials.forget('agent@demo.test');
  expect(await credentials.restore()).toBeNull();
  expect(await credentials.lastEmail()).toBeNull();
  await logging.flush();
  expect(printed).toContain('the keychain refused to store the sign-in');
  expect(printed).toContain('removing the sign-in from the keychain failed');
  expect(printed).not.toContain('refresh-token-value');
  await logging.close();
});
