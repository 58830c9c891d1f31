import type { AuthState } from '../../../shared/ipc/contract';
import type { StoredCredentials } from './auth-credentials';
import type { AuthCurrent } from './auth-phase';

/** The sign-in as the UI sees it (never a token), and telling `onChange` whenever it moves. */

export interface AuthStateReporter {
  state: () => Promise<AuthState>;
  /** The state now, after telling `onChange`. */
  changed: () => Promise<AuthState>;
}

export function createAuthStateReporter(deps: {
  current: AuthCurrent;
  credentials: StoredCredentials;
  onChange?: ((state: AuthState) => void) | undefined;
}): AuthStateReporter {
  const { current, credentials } = deps;

  async function state(): Promise<AuthState> {
    const kc = await credentials.keychain();
    // Read after the keychain answered: the phase may have moved meanwhile.
    const phase = current.phase;
    switch (phase.kind) {
      case 'signed_out':
        return {
          status: 'signed_out',
          shopUrl: current.shopUrl,
          shops: [...current.shops],
          keychain: kc,
          lastEmail: await credentials.lastEmail(),
        };
      case 'mfa_required':
        return { status: 'mfa_required', shopUrl: current.shopUrl, keychain: kc, email: phase.email };
      case 'signed_in':
        return {
          status: 'signed_in',
          shopUrl: current.shopUrl,
          keychain: kc,
          staff: phase.staff,
          restored: phase.restored,
        };
    }
  }

  return {
    state,
    async changed() {
      const now = await state();
      deps.onChange?.(now);
      return now;
    },
  };
}
