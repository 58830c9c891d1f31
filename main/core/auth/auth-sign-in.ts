import type { AuthState } from '../../../shared/ipc/contract';
import type { ApiClient } from '../api/api-client';
import type { ApiClientOptions } from '../api/api-requests';
import type { StoredCredentials } from './auth-credentials';
import type { AuthCurrent } from './auth-phase';
import type { AuthStateReporter } from './auth-state';
import type { TokenKeeper } from './auth-tokens';
import { ConsoleRefusedError, NotSignedInError, ShopRefusedError } from '../errors';
import type { Logger } from '../logging';
import { shopBaseOf } from '../vault';

/**
 * The steps of signing in and out: password, then TOTP; restoring with the keychain's refresh
 * token at start-up; sign-out, which runs `beforeSignOut` (ending open sessions) first.
 */

export interface SignInSteps {
  restore: () => Promise<AuthState>;
  signIn: (shopUrl: string, email: string, password: string) => Promise<AuthState>;
  verifyMfa: (code: string) => Promise<AuthState>;
  signOut: () => Promise<AuthState>;
}

export function createSignInSteps(deps: {
  current: AuthCurrent;
  credentials: StoredCredentials;
  keeper: TokenKeeper;
  report: AuthStateReporter;
  makeClient: (options: ApiClientOptions) => ApiClient;
  log: Logger;
  beforeSignOut: () => Promise<void>;
}): SignInSteps {
  const { current, credentials, keeper, report, makeClient, log } = deps;
  const { tokens } = keeper;

  return {
    async restore() {
      if (current.phase.kind !== 'signed_out') return report.state();
      const stored = await credentials.restore();
      if (!stored) return report.changed();
      const client = makeClient({ shopUrl: current.shopUrl, tokens });
      try {
        const response = await client.refresh(stored.refreshToken);
        await keeper.enter(client, stored.email, response, true);
        log.info({ staffId: response.staff.id, shop: current.shopUrl }, 'sign-in restored from the keychain');
      } catch (error) {
        // A refused refresh means the stored credential is dead; an unreachable shop does not.
        if (!(error instanceof ShopRefusedError)) throw error;
        log.info({ shop: current.shopUrl, code: error.code }, 'the stored sign-in is no longer valid; forgotten');
        await credentials.forget(stored.email);
      }
      return report.changed();
    },
    async signIn(url, email, password) {
      if (current.phase.kind === 'signed_in')
        throw new ConsoleRefusedError('already_signed_in', 'Sign out before signing in again.');
      const shop = shopBaseOf(url);
      // The password goes only to a shop this console was started for, whatever the page sends.
      if (!current.shops.includes(shop))
        throw new ConsoleRefusedError(
          'shop_not_allowed',
          `This console signs in only to ${current.shops.join(', ')}. Start it with --shop-url=${shop} to use that shop.`,
        );
      const client = makeClient({ shopUrl: shop, tokens });
      const response = await client.login(email, password);
      current.shopUrl = shop;
      current.phase = { kind: 'mfa_required', email: email.trim().toLowerCase(), mfaToken: response.mfaToken, client };
      return report.changed();
    },
    async verifyMfa(code) {
      const phase = current.phase;
      if (phase.kind !== 'mfa_required') throw new NotSignedInError('Enter your email and password first.');
      const { client, email, mfaToken } = phase;
      const response = await client.verifyMfa(mfaToken, code);
      await keeper.enter(client, email, response, false);
      log.info({ staffId: response.staff.id, shop: current.shopUrl }, 'signed in');
      return report.changed();
    },
    async signOut() {
      if (current.phase.kind === 'mfa_required') {
        current.phase = { kind: 'signed_out' };
        return report.changed();
      }
      if (current.phase.kind !== 'signed_in') return report.changed();
      await deps.beforeSignOut();
      const signedIn = current.phase;
      try {
        await signedIn.client.logout();
      } catch (error) {
        // The shop may be down or the token already dead; the local credential goes regardless.
        log.info({ err: error }, 'the shop did not confirm the sign-out');
      }
      await keeper.drop(signedIn.email);
      log.info({ staffId: signedIn.staff.id, shop: current.shopUrl }, 'signed out');
      return report.changed();
    },
  };
}
