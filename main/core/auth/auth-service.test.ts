import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuditPage } from '../../../shared/api/audit';
import { describeBackends, type TestShop } from '../../../shop/test/harness';
import { brokenKeychain, keychainProblem, testService } from '../../test/keychain';
import { DEMO_STAFF_PASSWORD, startDemoShop, totpCodes } from '../../test/shop';
import { createApiClient } from '../api/api-client';
import { createAuthService, type AuthService } from './auth-service';
import { ShopRefusedError, ShopUnreachableError, toIpcError } from '../errors';
import { createLogging } from '../logging';
import { createVault, osKeychain } from '../vault';
import { describeHits, findSecrets, readLogFiles } from '../../test/secret-scan';

const problem = await keychainProblem('auth-service');

async function signInWith(
  auth: AuthService,
  shop: TestShop,
  code: (email: string) => string,
  email = 'agent@demo.test',
) {
  const challenge = await auth.signIn(shop.url, email, DEMO_STAFF_PASSWORD);
  expect(challenge.status).toBe('mfa_required');
  return auth.verifyMfa(code(email));
}

describeBackends('auth service against the real shop', (backend) => {
  let shop: TestShop;
  let code: (email: string) => string;
  beforeAll(async () => {
    shop = await startDemoShop(backend, { accessTokenSeconds: 15 * 60, refreshTokenSeconds: 7 * 24 * 3600 });
    code = totpCodes(shop);
  });
  afterAll(async () => {
    await shop.close();
  });

  describe.skipIf(problem !== null)('with the OS keychain', () => {
    it('signs in with password then TOTP, keeps the refresh token in the keychain, restores it after a restart and removes it on sign-out', async () => {
      const service = testService();
      const auth = createAuthService({ shopUrl: shop.url, vault: createVault({ service }) });
      const state = await signInWith(auth, shop, code);
      expect(state).toMatchObject({
        status: 'signed_in',
        restored: false,
        keychain: { available: true },
        staff: { email: 'agent@demo.test', role: 'agent' },
      });
      const origin = new URL(shop.url).origin;
      const stored = await osKeychain().get(service, `${origin}|agent@demo.test`);
      expect(stored).toMatch(/.{20,}/);
      expect(await auth.client().me()).toMatchObject({ email: 'agent@demo.test' });
      auth.dispose();

      // A restart: new vault and service instances over the same keychain.
      const restarted = createAuthService({ shopUrl: shop.url, vault: createVault({ service }) });
      const restored = await restarted.restore();
      expect(restored).toMatchObject({ status: 'signed_in', restored: true, staff: { email: 'agent@demo.test' } });
      // Restoring rotated the refresh token; the keychain holds the new one.
      const rotated = await osKeychain().get(service, `${origin}|agent@demo.test`);
      expect(rotated).not.toBe(stored);
      expect(await restarted.client().me()).toMatchObject({ email: 'agent@demo.test' });

      const out = await restarted.signOut();
      expect(out).toMatchObject({ status: 'signed_out', lastEmail: 'agent@demo.test' });
      expect(await osKeychain().get(service, `${origin}|agent@demo.test`)).toBeNull();
      // The shop revoked the sign-in too: the old refresh token no longer works.
      await expect(createApiClient({ shopUrl: shop.url }).refresh(rotated ?? '')).rejects.toBeInstanceOf(
        ShopRefusedError,
      );
      expect(await createAuthService({ shopUrl: shop.url, vault: createVault({ service }) }).restore()).toMatchObject({
        status: 'signed_out',
      });
      await osKeychain().delete(service, `${origin}|last-account`);
    });

    it('deletes the stored credential when the shop refuses to refresh it', async () => {
      const service = testService();
      const origin = new URL(shop.url).origin;
      const auth = createAuthService({ shopUrl: shop.url, vault: createVault({ service }) });
      await signInWith(auth, shop, code, 'agent2@demo.test');
      auth.dispose();
      const stored = await osKeychain().get(service, `${origin}|agent2@demo.test`);
      // Someone used the token elsewhere: the one in the keychain is now a reused token, which revokes its family.
      await createApiClient({ shopUrl: shop.url }).refresh(stored ?? '');
      const restarted = createAuthService({ shopUrl: shop.url, vault: createVault({ service }) });
      expect(await restarted.restore()).toMatchObject({ status: 'signed_out' });
      expect(await osKeychain().get(service, `${origin}|agent2@demo.test`)).toBeNull();
      await osKeychain().delete(service, `${origin}|last-account`);
    });
  });

  it('without a usable keychain says so and signs in for this run only', async () => {
    const auth = createAuthService({ shopUrl: shop.url, vault: createVault({ keychain: brokenKeychain }) });
    const initial = await auth.state();
    expect(initial).toMatchObject({ status: 'signed_out', keychain: { available: false } });
    if (initial.status === 'signed_out') expect(initial.keychain.message).toMatch(/until the console closes/);
    const state = await signInWith(auth, shop, code, 'trainee@demo.test');
    expect(state).toMatchObject({ status: 'signed_in', keychain: { available: false } });
    expect(await auth.client().me()).toMatchObject({ role: 'trainee' });
    const restarted = createAuthService({ shopUrl: shop.url, vault: createVault({ keychain: brokenKeychain }) });
    expect(await restarted.restore()).toMatchObject({ status: 'signed_out' });
    await auth.signOut();
  });

  it('sends the password only to a shop it was started for, whatever address the page sends', async () => {
    // A server posing as a shop: it must never see a request.
    const seen: string[] = [];
    const stranger = createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      response.end('{}');
    });
    await new Promise<void>((resolve) => stranger.listen(0, '127.0.0.1', resolve));
    const strangerUrl = `http://127.0.0.1:${(stranger.address() as AddressInfo).port}`;
    try {
      const auth = createAuthService({ shopUrl: shop.url, vault: createVault({ keychain: brokenKeychain }) });
      expect(await auth.state()).toMatchObject({ status: 'signed_out', shops: [new URL(shop.url).origin] });
      const refused = await auth.signIn(strangerUrl, 'agent@demo.test', DEMO_STAFF_PASSWORD).catch((e: unknown) => e);
      expect(toIpcError(refused)).toMatchObject({ code: 'shop_not_allowed' });
      expect((refused as Error).message).toContain(`--shop-url=${strangerUrl}`);
      expect(seen).toEqual([]);
      // Started for both: the stranger may be asked (and answers nothing a shop would).
      const both = createAuthService({
        shopUrl: shop.url,
        shops: [strangerUrl],
        vault: createVault({ keychain: brokenKeychain }),
      });
      expect(await both.state()).toMatchObject({ shops: [new URL(shop.url).origin, strangerUrl] });
      await both.signIn(strangerUrl, 'agent@demo.test', DEMO_STAFF_PASSWORD).catch(() => undefined);
      expect(seen).toEqual(['POST /api/v1/auth/login']);
      expect(await signInWith(both, shop, code, 'agent2@demo.test')).toMatchObject({ status: 'signed_in' });
      await both.signOut();
    } finally {
      stranger.close();
    }
  });

  it('logs sign-in and sign-out to its logger by staff id, never a password, code or token', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'auth-log-'));
    const logging = createLogging({ file: join(dir, 'console.log') });
    const auth = createAuthService({
      shopUrl: shop.url,
      vault: createVault({ keychain: brokenKeychain }),
      logger: logging.logger('auth'),
    });
    await auth.signIn(shop.url, 'trainee@demo.test', DEMO_STAFF_PASSWORD);
    const totp = code('trainee@demo.test');
    await auth.verifyMfa(totp);
    const accessToken = auth.tokens().accessToken() ?? '';
    await auth.signOut();
    await logging.close();
    const files = await readLogFiles(dir);
    const hits = findSecrets(files, [DEMO_STAFF_PASSWORD, totp, accessToken]);
    expect(hits, describeHits(hits)).toEqual([]);
    const entries = files[0]!.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.map((e) => [e.level, e.msg])).toEqual([
      ['info', 'signed in'],
      ['info', 'signed out'],
    ]);
    expect(entries[1]).toMatchObject({ module: 'auth', staffId: 'stf_trainee', shop: new URL(shop.url).origin });
    await rm(dir, { recursive: true, force: true });
  });

  it('refreshes an expired access token once and retries the call', async () => {
    const auth = createAuthService({ shopUrl: shop.url, vault: createVault({ keychain: brokenKeychain }) });
    await signInWith(auth, shop, code, 'supervisor@demo.test');
    shop.clock.advance(16 * 60 * 1000);
    // The audit page as JSON bytes (the mirror's verifier parses them) takes the same refresh.
    const page = AuditPage.parse(JSON.parse(new TextDecoder().decode(await auth.client().auditEvents(0, 5))));
    expect(page.events.length).toBeGreaterThan(0);
    expect(await auth.client().me()).toMatchObject({ email: 'supervisor@demo.test' });
    expect((await auth.state()).status).toBe('signed_in');
    await auth.signOut();
  });

  it('asks for one refresh on token_expired and never loops', async () => {
    let refreshes = 0;
    const login = await createApiClient({ shopUrl: shop.url }).login('agent2@demo.test', DEMO_STAFF_PASSWORD);
    const signed = await createApiClient({ shopUrl: shop.url }).verifyMfa(login.mfaToken, code('agent2@demo.test'));
    shop.clock.advance(16 * 60 * 1000);
    // A token source whose refresh "succeeds" but leaves the expired token in place.
    const stuck = createApiClient({
      shopUrl: shop.url,
      tokens: {
        accessToken: () => signed.accessToken,
        refreshAccessToken: () => {
          refreshes += 1;
          return Promise.resolve(true);
        },
      },
    });
    const error = await stuck.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopRefusedError);
    expect(toIpcError(error)).toMatchObject({ kind: 'auth', code: 'token_expired' });
    expect(refreshes).toBe(1);
    // Any other 401 (a forged token) gets no refresh at all.
    const forged = createApiClient({
      shopUrl: shop.url,
      tokens: {
        accessToken: () => 'forged',
        refreshAccessToken: () => {
          refreshes += 1;
          return Promise.resolve(true);
        },
      },
    });
    expect(toIpcError(await forged.me().catch((e: unknown) => e))).toMatchObject({ kind: 'auth' });
    expect(refreshes).toBe(1);
  });

  it('refreshes before the access token expires, on its own timer', async () => {
    const scheduled: { fn: () => void; ms: number }[] = [];
    let refreshes = 0;
    const auth = createAuthService({
      shopUrl: shop.url,
      vault: createVault({ keychain: brokenKeychain }),
      refreshLeadMs: 60_000,
      // The console's clock agrees with the shop's (the test shop's clock runs ahead after earlier tests).
      now: () => shop.clock.now().getTime(),
      timers: { setTimeout: (fn, ms) => scheduled.push({ fn, ms }), clearTimeout: () => undefined },
      createClient: (options) => {
        const client = createApiClient(options);
        return {
          ...client,
          refresh: (token: string) => {
            refreshes += 1;
            return client.refresh(token);
          },
        };
      },
    });
    await signInWith(auth, shop, code, 'agent@demo.test');
    // Access tokens last 15 minutes here: the refresh is planned about a minute before.
    const planned = scheduled.at(-1)!;
    expect(planned.ms).toBeGreaterThan(13 * 60 * 1000);
    expect(planned.ms).toBeLessThanOrEqual(14 * 60 * 1000);
    planned.fn();
    await vi.waitFor(() => {
      expect(refreshes).toBe(1);
    });
    await vi.waitFor(() => {
      expect(scheduled.length).toBe(2);
    });
    shop.clock.advance(10 * 60 * 1000);
    expect(await auth.client().me()).toMatchObject({ email: 'agent@demo.test' });
    expect(refreshes).toBe(1);
    await auth.signOut();
  });

  it("refuses bad credentials and bad codes with the shop's codes, and keeps the MFA token in main", async () => {
    const auth = createAuthService({ shopUrl: shop.url, vault: createVault({ keychain: brokenKeychain }) });
    const wrong = await auth.signIn(shop.url, 'admin@demo.test', 'not-the-password').catch((e: unknown) => e);
    expect(toIpcError(wrong)).toMatchObject({ kind: 'shop', code: 'invalid_credentials' });
    const challenge = await auth.signIn(shop.url, 'admin@demo.test', DEMO_STAFF_PASSWORD);
    expect(challenge).toEqual({
      status: 'mfa_required',
      shopUrl: new URL(shop.url).origin,
      keychain: expect.anything() as unknown,
      email: 'admin@demo.test',
    });
    expect(JSON.stringify(challenge)).not.toMatch(/mfaToken/);
    const badCode = await auth.verifyMfa('000000').catch((e: unknown) => e);
    expect(toIpcError(badCode)).toMatchObject({ kind: 'shop', code: 'invalid_mfa_code' });
    expect(await auth.verifyMfa(code('admin@demo.test'))).toMatchObject({
      status: 'signed_in',
      staff: { role: 'admin' },
    });
    await auth.signOut();
    expect(
      toIpcError(
        (() => {
          try {
            auth.client();
            return null;
          } catch (e) {
            return e;
          }
        })(),
      ),
    ).toMatchObject({ kind: 'auth', code: 'not_signed_in' });
  });
});

describe('api client without a shop', () => {
  it('reports an unreachable shop as a network error', async () => {
    const client = createApiClient({ shopUrl: 'http://127.0.0.1:9', timeoutMs: 5000 });
    const error = await client.stores().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopUnreachableError);
    expect(toIpcError(error)).toMatchObject({ kind: 'network', code: 'shop_unreachable' });
  });
});
