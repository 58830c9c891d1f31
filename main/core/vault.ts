import { AsyncEntry } from '@napi-rs/keyring';
import type { KeychainState } from './types';
import { KeychainError } from './errors';

/**
 * The staff credential (the refresh token) in the OS keychain, and nowhere else: without a
 * usable keychain nothing is stored and sign-in lasts for this run only. Never a plaintext file.
 */

/** The few keychain operations the vault needs; the real one is `osKeychain()`. */
export interface Keychain {
  get(service: string, account: string): Promise<string | null>;
  set(service: string, account: string, secret: string): Promise<void>;
  delete(service: string, account: string): Promise<void>;
}

/** The OS keychain through @napi-rs/keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows). */
export function osKeychain(): Keychain {
  return {
    get: (service, account) => new AsyncEntry(service, account).getPassword(),
    set: (service, account, secret) => new AsyncEntry(service, account).setPassword(secret),
    delete: async (service, account) => {
      await new AsyncEntry(service, account).deleteCredential();
    },
  };
}

export interface StoredCredential {
  email: string;
  refreshToken: string;
}

export interface CredentialVault {
  /** Whether the keychain works here; probed once, then remembered for the run. */
  state(): Promise<KeychainState>;
  /** Stores the refresh token for this account and remembers it as the shop's last account. */
  save(shopOrigin: string, email: string, refreshToken: string): Promise<void>;
  /** The last signed-in account of this shop and its refresh token, if both are stored. */
  restore(shopOrigin: string): Promise<StoredCredential | null>;
  /** The email of the shop's last signed-in account (kept after sign-out to prefill the form). */
  lastEmail(shopOrigin: string): Promise<string | null>;
  /** Deletes the account's refresh token (sign-out, refused refresh). */
  forget(shopOrigin: string, email: string): Promise<void>;
}

export const KEYCHAIN_SERVICE = 'concierge';

const UNAVAILABLE_MESSAGE =
  'The system keychain is not available, so your sign-in lasts until the console closes. ' +
  'Unlock or install a keychain (Secret Service, e.g. GNOME Keyring or KWallet, on Linux) to stay signed in across restarts.';

/** The shop a credential belongs to: its address (shared/shop-address.ts); a trailing slash does not make another shop. */
export { shopBaseOf } from '../../shared/shop-address';

const PROBE_ACCOUNT = 'probe|availability';

function tokenAccount(shopOrigin: string, email: string): string {
  return `${shopOrigin}|${email.toLowerCase()}`;
}

function lastAccountAccount(shopOrigin: string): string {
  return `${shopOrigin}|last-account`;
}

/** A keychain that worked at the probe can still fail later (locked, removed): callers get a KeychainError. */
async function keychainCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new KeychainError(
      `The system keychain could not ${what}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
}

export function createVault(options: { keychain?: Keychain; service?: string } = {}): CredentialVault {
  const keychain = options.keychain ?? osKeychain();
  const service = options.service ?? KEYCHAIN_SERVICE;
  let probed: Promise<KeychainState> | null = null;

  function state(): Promise<KeychainState> {
    // Reading a missing entry succeeds even without a keychain on some platforms: only a write proves it works.
    probed ??= keychain
      .set(service, PROBE_ACCOUNT, 'probe')
      .then(() => keychain.delete(service, PROBE_ACCOUNT))
      .then((): KeychainState => ({ available: true, message: null }))
      .catch((error: unknown): KeychainState => ({
        available: false,
        message: `${UNAVAILABLE_MESSAGE} (${error instanceof Error ? error.message : String(error)})`,
      }));
    return probed;
  }

  async function usable(): Promise<boolean> {
    return (await state()).available;
  }

  return {
    state,
    async save(shopOrigin, email, refreshToken) {
      if (!(await usable())) return;
      await keychainCall('store your sign-in', async () => {
        await keychain.set(service, tokenAccount(shopOrigin, email), refreshToken);
        await keychain.set(service, lastAccountAccount(shopOrigin), email.toLowerCase());
      });
    },
    async restore(shopOrigin) {
      if (!(await usable())) return null;
      return keychainCall('read your sign-in', async () => {
        const email = await keychain.get(service, lastAccountAccount(shopOrigin));
        if (!email) return null;
        const refreshToken = await keychain.get(service, tokenAccount(shopOrigin, email));
        return refreshToken ? { email, refreshToken } : null;
      });
    },
    async lastEmail(shopOrigin) {
      if (!(await usable())) return null;
      return keychainCall('read the last email', () => keychain.get(service, lastAccountAccount(shopOrigin)));
    },
    async forget(shopOrigin, email) {
      if (!(await usable())) return;
      await keychainCall('forget your sign-in', () => keychain.delete(service, tokenAccount(shopOrigin, email)));
    },
  };
}
