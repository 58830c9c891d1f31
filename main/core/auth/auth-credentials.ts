import type { AuthCurrent } from './auth-phase';
import type { Logger } from '../logging';
import type { KeychainState } from '../types';
import type { CredentialVault, StoredCredential } from '../vault';

/**
 * The refresh token in the keychain, for the current shop. A keychain that refuses to store it
 * is remembered for the run, so the agent is told the sign-in will not survive a restart.
 */

export interface StoredCredentials {
  /** The keychain as the agent should hear about it: a refused store this run outranks the vault's probe. */
  keychain: () => Promise<KeychainState>;
  save: (email: string, refreshToken: string) => Promise<void>;
  /** Deletes the account's refresh token; a failure is logged, never thrown. */
  forget: (email: string) => Promise<void>;
  /** The shop's last account and its refresh token; null when none is stored or the keychain fails. */
  restore: () => Promise<StoredCredential | null>;
  /** The shop's last signed-in email, to prefill the form; null when unknown. */
  lastEmail: () => Promise<string | null>;
}

export function createStoredCredentials(deps: {
  vault: CredentialVault;
  current: AuthCurrent;
  log: Logger;
}): StoredCredentials {
  const { vault, current, log } = deps;
  /** Set when storing in the keychain failed during this run: the UI must say sign-in will not survive. */
  let keychainProblem: KeychainState | null = null;

  return {
    keychain: async () => keychainProblem ?? (await vault.state()),
    async save(email, refreshToken) {
      try {
        await vault.save(current.shopUrl, email, refreshToken);
      } catch (error) {
        log.warn({ err: error }, 'the keychain refused to store the sign-in; it lasts until the console closes');
        keychainProblem = {
          available: false,
          message: `The keychain refused to store your sign-in, so it lasts until the console closes (${error instanceof Error ? error.message : String(error)}).`,
        };
      }
    },
    forget: (email) =>
      vault.forget(current.shopUrl, email).catch((error: unknown) => {
        log.warn({ err: error }, 'removing the sign-in from the keychain failed');
      }),
    restore: () => vault.restore(current.shopUrl).catch(() => null),
    lastEmail: () => vault.lastEmail(current.shopUrl).catch(() => null),
  };
}
