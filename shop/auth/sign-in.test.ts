import { afterAll, beforeAll, expect, it } from 'vitest';
import { LoginResponse, TokenResponse } from '../../shared/api/auth';
import { DEMO_STAFF, DEMO_STAFF_PASSWORD, seedStaff } from '../seed/staff';
import { apiRequest, errorCode, nextTotpCode, signIn, wrongTotpCode, type ApiResult } from '../test/auth-helpers';
import { describeBackends, startTestShop, type Backend, type TestShop } from '../test/harness';
import { MFA_CHALLENGE_SECONDS, MFA_MAX_ATTEMPTS } from './sign-in';
import { DEFAULT_THROTTLE_POLICY } from './throttle';
import { CODE_MESSAGES, totpCodeForStep, totpStep } from './totp';

const secretOf = (email: string) => {
  const member = DEMO_STAFF.find((s) => s.email === email);
  if (!member) throw new Error(email);
  return member.totpSecret;
};

const wrongCode = (shop: TestShop, email: string) => wrongTotpCode(email, shop.clock.now());

const login = (shop: TestShop, email: string, password = DEMO_STAFF_PASSWORD) =>
  apiRequest(shop.url, 'POST', '/auth/login', { body: { email, password } });

async function mfaToken(shop: TestShop, email: string): Promise<string> {
  const result = await login(shop, email);
  expect(result.status).toBe(200);
  return LoginResponse.parse(result.json).mfaToken;
}

const mfa = (shop: TestShop, token: string, code: string) =>
  apiRequest(shop.url, 'POST', '/auth/mfa', { body: { mfaToken: token, code } });

function expectError(result: ApiResult, status: number, code: string): void {
  expect({ status: result.status, code: errorCode(result) }).toEqual({ status, code });
}

interface AuditRow {
  action: string;
  actor_type: string;
  actor_id: string | null;
  details: Record<string, unknown>;
}

async function auditOf(shop: TestShop, actorId: string | null): Promise<AuditRow[]> {
  const result = await shop.ctx.db.query<AuditRow>(
    'SELECT action, actor_type, actor_id, details FROM audit_events WHERE actor_id IS NOT DISTINCT FROM $1 ORDER BY seq',
    [actorId],
  );
  return result.rows;
}

describeBackends('staff sign-in', (backend: Backend) => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await startTestShop(backend, { seed: seedStaff });
  });
  afterAll(async () => {
    await shop.close();
  });
  const clock = () => ({ clock: shop.clock });

  it('signs in with password and TOTP, and /me returns the staff member with the permissions of the role', async () => {
    const before = shop.clock.now().getTime();
    const tokens = await signIn(shop.url, 'agent@demo.test', clock());
    const after = shop.clock.now().getTime();
    const lifetime = shop.ctx.config.accessTokenSeconds * 1000;
    expect(new Date(tokens.accessTokenExpiresAt).getTime()).toBeGreaterThanOrEqual(before + lifetime);
    expect(new Date(tokens.accessTokenExpiresAt).getTime()).toBeLessThanOrEqual(after + lifetime);
    expect(tokens.staff).toEqual({
      id: 'stf_agent',
      email: 'agent@demo.test',
      name: 'Alex Agent',
      role: 'agent',
      permissions: ['customers.read', 'audit.read.own', 'assist.view', 'assist.act'],
    });
    const me = await apiRequest(shop.url, 'GET', '/me', { token: tokens.accessToken });
    expect(me.status).toBe(200);
    expect(me.json).toEqual(tokens.staff);
    const events = (await auditOf(shop, 'stf_agent')).map((e) => e.action);
    expect(events).toContain('staff.sign_in');
  });

  it('accepts the email in any case and with spaces around it', async () => {
    const result = await login(shop, '  Trainee@Demo.TEST ');
    expect(result.status).toBe(200);
  });

  it('refuses a wrong password and an unknown email alike, and records both', async () => {
    const wrong = await login(shop, 'supervisor@demo.test', 'not-the-password');
    const unknown = await login(shop, 'nobody@demo.test', DEMO_STAFF_PASSWORD);
    expectError(wrong, 401, 'invalid_credentials');
    expectError(unknown, 401, 'invalid_credentials');
    expect(wrong.json).toEqual(unknown.json);

    const supervisorEvents = await auditOf(shop, 'stf_supervisor');
    expect(supervisorEvents.at(-1)).toMatchObject({
      action: 'staff.sign_in_failed',
      actor_type: 'staff',
      details: { reason: 'wrong_password' },
    });
    const systemEvents = await auditOf(shop, null);
    expect(systemEvents.at(-1)).toMatchObject({
      action: 'staff.sign_in_failed',
      actor_type: 'system',
      details: { reason: 'unknown_email', email: 'nobody@demo.test' },
    });
  });

  it('refuses invalid input with validation errors, not a sign-in attempt', async () => {
    expectError(
      await apiRequest(shop.url, 'POST', '/auth/login', { body: { email: 'not-an-email', password: 'x' } }),
      400,
      'validation_failed',
    );
    expectError(
      await apiRequest(shop.url, 'POST', '/auth/login', { body: { email: 'agent@demo.test' } }),
      400,
      'validation_failed',
    );
    expectError(
      await apiRequest(shop.url, 'POST', '/auth/mfa', { body: { mfaToken: 'x', code: '12345' } }),
      400,
      'validation_failed',
    );
  });

  it('refuses a wrong code and records it', async () => {
    const token = await mfaToken(shop, 'agent2@demo.test');
    expectError(await mfa(shop, token, wrongCode(shop, 'agent2@demo.test')), 401, 'invalid_mfa_code');
    expect((await auditOf(shop, 'stf_agent2')).at(-1)).toMatchObject({
      action: 'staff.mfa_failed',
      details: { reason: 'wrong_code', attempt: 1 },
    });
    // The challenge survives a wrong code: the right one still signs in.
    const ok = await mfa(shop, token, await nextTotpCode(shop.url, 'agent2@demo.test', clock()));
    expect(ok.status).toBe(200);
    TokenResponse.parse(ok.json);
  });

  it('refuses a code that was already accepted, and any earlier one', async () => {
    const email = 'admin@demo.test';
    const step = totpStep(shop.clock.now());
    const first = await mfa(shop, await mfaToken(shop, email), totpCodeForStep(secretOf(email), step));
    expect(first.status).toBe(200);
    const replayed = await mfa(shop, await mfaToken(shop, email), totpCodeForStep(secretOf(email), step));
    expectError(replayed, 401, 'invalid_mfa_code');
    expect(replayed.json).toMatchObject({ error: { message: CODE_MESSAGES.code_reused } });
    expect((await auditOf(shop, 'stf_admin')).at(-1)).toMatchObject({
      action: 'staff.mfa_failed',
      details: { reason: 'code_reused' },
    });
    expectError(
      await mfa(shop, await mfaToken(shop, email), totpCodeForStep(secretOf(email), step - 1)),
      401,
      'invalid_mfa_code',
    );
    // The next step is still inside the window and has not been used.
    const next = await mfa(shop, await mfaToken(shop, email), totpCodeForStep(secretOf(email), step + 1));
    expect(next.status).toBe(200);
    // Leave the steps this test spent behind, so later sign-ins of this member get fresh ones.
    shop.clock.advance(90_000);
  });

  it('refuses codes outside the ±1 step window', async () => {
    const email = 'supervisor@demo.test';
    const token = await mfaToken(shop, email);
    const step = totpStep(shop.clock.now());
    expectError(await mfa(shop, token, totpCodeForStep(secretOf(email), step + 3)), 401, 'invalid_mfa_code');
    expectError(await mfa(shop, token, totpCodeForStep(secretOf(email), step - 3)), 401, 'invalid_mfa_code');
    expect((await mfa(shop, token, await nextTotpCode(shop.url, email, clock()))).status).toBe(200);
  });

  it('uses a challenge once', async () => {
    const email = 'trainee@demo.test';
    const token = await mfaToken(shop, email);
    expect((await mfa(shop, token, await nextTotpCode(shop.url, email, clock()))).status).toBe(200);
    expectError(await mfa(shop, token, await nextTotpCode(shop.url, email, clock())), 401, 'invalid_mfa_code');
  });

  it('expires a challenge after five minutes', async () => {
    const email = 'trainee@demo.test';
    const token = await mfaToken(shop, email);
    shop.clock.advance((MFA_CHALLENGE_SECONDS + 1) * 1000);
    expectError(await mfa(shop, token, await nextTotpCode(shop.url, email, clock())), 401, 'invalid_mfa_code');
  });

  it('refuses unknown and malformed challenge tokens', async () => {
    expectError(await mfa(shop, 'x'.repeat(43), '123456'), 401, 'invalid_mfa_code');
    expectError(await mfa(shop, 'not a token at all', '123456'), 401, 'invalid_mfa_code');
  });
});

describeBackends('sign-in challenge attempts', (backend: Backend) => {
  let shop: TestShop;
  // Five wrong codes are within the free failures of the throttle, so it stays out of this limit.
  beforeAll(async () => {
    shop = await startTestShop(backend, { seed: seedStaff });
  });
  afterAll(async () => {
    await shop.close();
  });

  it(`allows at most ${String(MFA_MAX_ATTEMPTS)} codes per challenge`, async () => {
    const email = 'agent@demo.test';
    const token = await mfaToken(shop, email);
    for (let i = 0; i < MFA_MAX_ATTEMPTS; i += 1)
      expectError(await mfa(shop, token, wrongCode(shop, email)), 401, 'invalid_mfa_code');
    expectError(
      await mfa(shop, token, await nextTotpCode(shop.url, email, { clock: shop.clock })),
      401,
      'invalid_mfa_code',
    );
    // A fresh challenge works.
    const fresh = await mfa(
      shop,
      await mfaToken(shop, email),
      await nextTotpCode(shop.url, email, { clock: shop.clock }),
    );
    expect(fresh.status).toBe(200);
  });
});

describeBackends('auth rate limit', (backend: Backend) => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await startTestShop(backend, { seed: seedStaff, config: { authRateLimitPerMinute: 3 } });
  });
  afterAll(async () => {
    await shop.close();
  });

  it('limits auth requests per address and minute in the API error shape, and leaves other routes alone', async () => {
    const tokens = await signIn(shop.url, 'agent@demo.test', { clock: shop.clock }); // 2 requests
    expect((await login(shop, 'nobody@demo.test')).status).toBe(401); // 3
    const limited = await login(shop, 'agent@demo.test');
    expectError(limited, 429, 'rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expectError(
      await apiRequest(shop.url, 'POST', '/auth/refresh', { body: { refreshToken: tokens.refreshToken } }),
      429,
      'rate_limited',
    );
    for (let i = 0; i < 5; i += 1)
      expect((await apiRequest(shop.url, 'GET', '/me', { token: tokens.accessToken })).status).toBe(200);
  });
});

describeBackends('audit of sign-in', (backend: Backend) => {
  it('never records passwords, codes or tokens', async () => {
    const shop = await startTestShop(backend, { seed: seedStaff });
    try {
      const secrets: string[] = ['wrong-password-1', DEMO_STAFF_PASSWORD];
      await login(shop, 'agent@demo.test', 'wrong-password-1');
      const token = await mfaToken(shop, 'agent@demo.test');
      const bad = wrongCode(shop, 'agent@demo.test');
      await mfa(shop, token, bad);
      const good = await nextTotpCode(shop.url, 'agent@demo.test', { clock: shop.clock });
      const signedIn = TokenResponse.parse((await mfa(shop, token, good)).json);
      secrets.push(token, bad, good, signedIn.accessToken, signedIn.refreshToken);
      const refreshed = TokenResponse.parse(
        (await apiRequest(shop.url, 'POST', '/auth/refresh', { body: { refreshToken: signedIn.refreshToken } })).json,
      );
      secrets.push(refreshed.accessToken, refreshed.refreshToken);
      await apiRequest(shop.url, 'POST', '/auth/refresh', { body: { refreshToken: signedIn.refreshToken } });
      // One more than the free failures, so throttling begins and is recorded.
      for (let i = 0; i <= DEFAULT_THROTTLE_POLICY.freeFailures.account_address; i += 1) {
        await login(shop, 'trainee@demo.test', `wrong-trainee-${String(i)}`);
        secrets.push(`wrong-trainee-${String(i)}`);
      }

      const rows = await shop.ctx.db.query<{ action: string; details: unknown; user_agent: string | null }>(
        'SELECT action, details, user_agent FROM audit_events ORDER BY seq',
      );
      expect(rows.rows.map((r) => r.action)).toEqual(
        expect.arrayContaining([
          'staff.sign_in_failed',
          'staff.mfa_failed',
          'staff.sign_in',
          'staff.token_reuse',
          'staff.locked',
        ]),
      );
      const stored = JSON.stringify(rows.rows);
      for (const secret of secrets) expect(stored).not.toContain(secret);
    } finally {
      await shop.close();
    }
  });
});
