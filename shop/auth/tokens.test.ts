import { afterAll, beforeAll, expect, it } from 'vitest';
import { TokenResponse } from '../../shared/api/auth';
import { seedStaff } from '../seed/staff';
import { apiRequest, errorCode, signIn, type ApiResult } from '../test/auth-helpers';
import { describeBackends, startTestShop, type Backend, type TestShop } from '../test/harness';

function expectError(result: ApiResult, status: number, code: string): void {
  expect({ status: result.status, code: errorCode(result) }).toEqual({ status, code });
}

describeBackends('access and refresh tokens', (backend: Backend) => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await startTestShop(backend, { seed: seedStaff });
  });
  afterAll(async () => {
    await shop.close();
  });

  const me = (token: string) => apiRequest(shop.url, 'GET', '/me', { token });
  const refresh = (refreshToken: string) => apiRequest(shop.url, 'POST', '/auth/refresh', { body: { refreshToken } });
  const freshSignIn = (email = 'agent@demo.test') => signIn(shop.url, email, { clock: shop.clock });

  it('rotates the refresh token: a new pair in the same sign-in, and both access tokens work', async () => {
    const first = await freshSignIn();
    const rotated = await refresh(first.refreshToken);
    expect(rotated.status).toBe(200);
    const second = TokenResponse.parse(rotated.json);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.staff).toEqual(first.staff);
    expect((await me(second.accessToken)).status).toBe(200);
    expect((await me(first.accessToken)).status).toBe(200);
    const third = await refresh(second.refreshToken);
    expect(third.status).toBe(200);
  });

  it('revokes the whole family when a used refresh token comes back, and records the reuse', async () => {
    const first = await freshSignIn('agent2@demo.test');
    const second = TokenResponse.parse((await refresh(first.refreshToken)).json);
    expectError(await refresh(first.refreshToken), 401, 'invalid_refresh_token');
    // Everything issued in that sign-in is dead now, including the legitimate rotation.
    expectError(await me(second.accessToken), 401, 'unauthorized');
    expectError(await me(first.accessToken), 401, 'unauthorized');
    expectError(await refresh(second.refreshToken), 401, 'invalid_refresh_token');
    const events = await shop.ctx.db.query<{ action: string; actor_id: string }>(
      "SELECT action, actor_id FROM audit_events WHERE action = 'staff.token_reuse'",
    );
    expect(events.rows).toEqual([{ action: 'staff.token_reuse', actor_id: 'stf_agent2' }]);
  });

  it('keeps other sign-ins of the same staff member when one family is revoked', async () => {
    const laptop = await freshSignIn('supervisor@demo.test');
    const desktop = await freshSignIn('supervisor@demo.test');
    await refresh(laptop.refreshToken);
    await refresh(laptop.refreshToken);
    expectError(await me(laptop.accessToken), 401, 'unauthorized');
    expect((await me(desktop.accessToken)).status).toBe(200);
  });

  it('signs out: 204, and neither token of that sign-in works afterwards', async () => {
    const tokens = await freshSignIn('trainee@demo.test');
    const out = await apiRequest(shop.url, 'POST', '/auth/logout', { token: tokens.accessToken });
    expect(out.status).toBe(204);
    expect(out.json).toBeNull();
    expectError(await me(tokens.accessToken), 401, 'unauthorized');
    expectError(await refresh(tokens.refreshToken), 401, 'invalid_refresh_token');
    expectError(await apiRequest(shop.url, 'POST', '/auth/logout', { token: tokens.accessToken }), 401, 'unauthorized');
    const events = await shop.ctx.db.query<{ actor_id: string }>(
      "SELECT actor_id FROM audit_events WHERE action = 'staff.sign_out'",
    );
    expect(events.rows).toEqual([{ actor_id: 'stf_trainee' }]);
  });

  it('expires access tokens (401 token_expired) while the refresh token still works', async () => {
    const tokens = await freshSignIn('admin@demo.test');
    shop.clock.advance(shop.ctx.config.accessTokenSeconds * 1000);
    expectError(await me(tokens.accessToken), 401, 'token_expired');
    const renewed = await refresh(tokens.refreshToken);
    expect(renewed.status).toBe(200);
    expect((await me(TokenResponse.parse(renewed.json).accessToken)).status).toBe(200);
  });

  it('expires refresh tokens', async () => {
    const tokens = await freshSignIn('admin@demo.test');
    shop.clock.advance(shop.ctx.config.refreshTokenSeconds * 1000);
    expectError(await refresh(tokens.refreshToken), 401, 'invalid_refresh_token');
  });

  it('refuses missing, malformed and unknown tokens', async () => {
    const tokens = await freshSignIn('agent@demo.test');
    expectError(await apiRequest(shop.url, 'GET', '/me'), 401, 'unauthorized');
    for (const authorization of [
      'Bearer',
      'Bearer ',
      'Bearer short',
      `Basic ${Buffer.from('agent@demo.test:concierge-demo').toString('base64')}`,
      `bearer${tokens.accessToken}`,
      `Bearer ${tokens.accessToken} extra`,
      `Bearer ${tokens.accessToken}!`,
      `Bearer ${'A'.repeat(43)}`,
      `Bearer ${tokens.refreshToken}`,
    ]) {
      expectError(await apiRequest(shop.url, 'GET', '/me', { authorization }), 401, 'unauthorized');
    }
    expectError(await refresh(tokens.accessToken), 401, 'invalid_refresh_token');
    expectError(await refresh('x'.repeat(43)), 401, 'invalid_refresh_token');
    expectError(await refresh('x'.repeat(300)), 400, 'validation_failed');
    expectError(await apiRequest(shop.url, 'POST', '/auth/refresh', { body: {} }), 400, 'validation_failed');
  });

  it('stops a disabled staff member at once', async () => {
    const tokens = await freshSignIn('agent@demo.test');
    await shop.ctx.db.query("UPDATE staff SET disabled = true WHERE id = 'stf_agent'");
    try {
      expectError(await me(tokens.accessToken), 401, 'unauthorized');
      expectError(await refresh(tokens.refreshToken), 401, 'invalid_refresh_token');
      expectError(
        await apiRequest(shop.url, 'POST', '/auth/login', {
          body: { email: 'agent@demo.test', password: 'concierge-demo' },
        }),
        401,
        'invalid_credentials',
      );
    } finally {
      await shop.ctx.db.query("UPDATE staff SET disabled = false WHERE id = 'stf_agent'");
    }
  });
});
