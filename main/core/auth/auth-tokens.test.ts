import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { AuthState } from '../../../shared/ipc/contract';
import { describeBackends, type TestShop } from '../../../shop/test/harness';
import { brokenKeychain } from '../../test/keychain';
import { DEMO_STAFF_PASSWORD, startDemoShop, totpCodes } from '../../test/shop';
import { createApiClient } from '../api/api-client';
import { createAuthService, type AuthService } from './auth-service';
import { NotSignedInError } from '../errors';
import { createLogging } from '../logging';
import { createVault } from '../vault';

const RETRY_MS = 5_000;

interface Planned {
  fn: () => void;
  ms: number;
}

/** A signed-in service whose timers the test fires, on a network the test can take away. */
interface Harness {
  auth: AuthService;
  planned: Planned[];
  states: AuthState[];
  /** Refresh requests that reached the network (or failed to). */
  refreshes: () => number;
  setOnline(online: boolean): void;
}

// The background refresh of the access token, on the service's own timer, against the real shop.
describeBackends('the sign-in tokens and their refresh, against the real shop', (backend) => {
  let shop: TestShop;
  let code: (email: string) => string;
  beforeAll(async () => {
    shop = await startDemoShop(backend, { accessTokenSeconds: 15 * 60, refreshTokenSeconds: 7 * 24 * 3600 });
    code = totpCodes(shop);
  });
  afterAll(async () => {
    await shop.close();
  });

  async function signedIn(email: string): Promise<Harness> {
    const planned: Planned[] = [];
    const states: AuthState[] = [];
    let online = true;
    let refreshes = 0;
    const network: typeof fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith('/auth/refresh')) refreshes += 1;
      return online ? fetch(input, init) : Promise.reject(new TypeError('fetch failed'));
    };
    const auth = createAuthService({
      shopUrl: shop.url,
      vault: createVault({ keychain: brokenKeychain }),
      onChange: (state) => states.push(state),
      refreshLeadMs: 60_000,
      retryMs: RETRY_MS,
      now: () => shop.clock.now().getTime(),
      timers: { setTimeout: (fn, ms) => planned.push({ fn, ms }), clearTimeout: () => undefined },
      createClient: (options) => createApiClient({ ...options, fetch: network }),
      // The expected warnings go nowhere.
      logger: createLogging({}).logger('auth'),
    });
    await auth.signIn(shop.url, email, DEMO_STAFF_PASSWORD);
    await auth.verifyMfa(code(email));
    return {
      auth,
      planned,
      states,
      refreshes: () => refreshes,
      setOnline: (value) => {
        online = value;
      },
    };
  }

  it('keeps the sign-in when the shop cannot be reached for a refresh, and tries again after the retry delay', async () => {
    const h = await signedIn('agent@demo.test');
    expect(h.planned).toHaveLength(1);
    h.setOnline(false);
    h.planned[0]!.fn();
    await vi.waitFor(() => {
      expect(h.planned).toHaveLength(2);
    });
    expect(h.planned[1]!.ms).toBe(RETRY_MS);
    expect((await h.auth.state()).status).toBe('signed_in');
    const before = h.auth.tokens().accessToken();

    h.setOnline(true);
    h.planned[1]!.fn();
    await vi.waitFor(() => {
      expect(h.planned).toHaveLength(3);
    });
    // Back to planning a minute before the new token expires.
    expect(h.planned[2]!.ms).toBeGreaterThan(13 * 60 * 1000);
    expect(h.refreshes()).toBe(2);
    expect(h.auth.tokens().accessToken()).not.toBe(before);
    expect(await h.auth.client().me()).toMatchObject({ email: 'agent@demo.test' });
    await h.auth.signOut();
  });

  it('signs out and says so when the shop refuses the refresh', async () => {
    const h = await signedIn('agent2@demo.test');
    // Signing out at the shop behind the service's back revokes its refresh token.
    await h.auth.client().logout();
    h.planned[0]!.fn();
    await vi.waitFor(() => {
      expect(h.states.at(-1)).toMatchObject({ status: 'signed_out' });
    });
    expect(h.auth.tokens().accessToken()).toBeNull();
    expect(() => h.auth.client()).toThrow(NotSignedInError);
    // No retry is planned for a sign-in that is gone.
    expect(h.planned).toHaveLength(1);
  });

  it('gives callers asking at the same time one refresh between them', async () => {
    const h = await signedIn('supervisor@demo.test');
    const before = h.auth.tokens().accessToken();
    const answers = await Promise.all([h.auth.tokens().refreshAccessToken(), h.auth.tokens().refreshAccessToken()]);
    expect(answers).toEqual([true, true]);
    expect(h.refreshes()).toBe(1);
    expect(h.auth.tokens().accessToken()).not.toBe(before);
    // A later caller gets a refresh of its own.
    expect(await h.auth.tokens().refreshAccessToken()).toBe(true);
    expect(h.refreshes()).toBe(2);
    await h.auth.signOut();
    expect(await h.auth.tokens().refreshAccessToken()).toBe(false);
    expect(h.refreshes()).toBe(2);
  });
});
