import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type StepUpPolicy } from '../../shared/api/settings';
import { DEMO_STAFF_PASSWORD, seedStaff } from '../seed/staff';
import {
  apiRequest,
  errorCode,
  nextTotpCode,
  signIn,
  stepUp,
  wrongTotpCode,
  type ApiResult,
} from '../test/auth-helpers';
import { describeBackends, startTestShop, type Backend, type TestShop } from '../test/harness';
import { hashSecret } from '../lib/ids';
import { consumeStepUpToken } from './step-up';
import { DEFAULT_THROTTLE_POLICY } from './throttle';
import { CODE_MESSAGES } from './totp';

function expectError(result: ApiResult, status: number, code: string): void {
  expect({ status: result.status, code: errorCode(result) }).toEqual({ status, code });
}

async function setPolicy(shop: TestShop, policy: StepUpPolicy | null): Promise<void> {
  if (policy === null) {
    await shop.ctx.db.query('DELETE FROM shop_settings');
    return;
  }
  await shop.ctx.db.query(
    'INSERT INTO shop_settings (id, value) VALUES (true, $1) ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value',
    [JSON.stringify({ ...DEFAULT_SETTINGS, stepUpPolicy: policy })],
  );
}

describeBackends('step-up', (backend: Backend) => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await startTestShop(backend, { seed: seedStaff });
  });
  afterAll(async () => {
    await shop.close();
  });

  const withCode = async (token: string, email: string) =>
    apiRequest(shop.url, 'POST', '/auth/step-up', {
      token,
      body: { code: await nextTotpCode(shop.url, email, { clock: shop.clock }) },
    });
  const withPassword = (token: string, password = DEMO_STAFF_PASSWORD) =>
    apiRequest(shop.url, 'POST', '/auth/step-up', { token, body: { password } });

  it('accepts only a TOTP code under the default policy (no settings saved)', async () => {
    await setPolicy(shop, null);
    const { accessToken } = await signIn(shop.url, 'agent@demo.test', { clock: shop.clock });
    const ok = await withCode(accessToken, 'agent@demo.test');
    expect(ok.status).toBe(200);
    const body = ok.json as { stepUpToken: string; expiresAt: string };
    expect(new Date(body.expiresAt).getTime()).toBeGreaterThan(shop.clock.now().getTime());
    expect(new Date(body.expiresAt).getTime()).toBeLessThanOrEqual(
      shop.clock.now().getTime() + shop.ctx.config.stepUpSeconds * 1000,
    );
    expectError(await withPassword(accessToken), 401, 'invalid_step_up');
  });

  it('accepts only the password under the password policy', async () => {
    await setPolicy(shop, 'password');
    const { accessToken } = await signIn(shop.url, 'agent@demo.test', { clock: shop.clock });
    expect((await withPassword(accessToken)).status).toBe(200);
    expectError(await withCode(accessToken, 'agent@demo.test'), 401, 'invalid_step_up');
    expect(
      (await stepUp(shop.url, accessToken, 'agent@demo.test', { clock: shop.clock, method: 'password' })).stepUpToken,
    ).toBeTruthy();
  });

  it('accepts either under totp_or_password', async () => {
    await setPolicy(shop, 'totp_or_password');
    const { accessToken } = await signIn(shop.url, 'agent@demo.test', { clock: shop.clock });
    expect((await withPassword(accessToken)).status).toBe(200);
    expect((await withCode(accessToken, 'agent@demo.test')).status).toBe(200);
  });

  it('refuses a wrong password or code, records it, and throttles repeated failures', async () => {
    await setPolicy(shop, 'totp_or_password');
    const { accessToken } = await signIn(shop.url, 'agent2@demo.test', { clock: shop.clock });
    expectError(await withPassword(accessToken, 'Bad-Pass-1'), 401, 'invalid_step_up');
    const badCode = wrongTotpCode('agent2@demo.test', shop.clock.now());
    expectError(
      await apiRequest(shop.url, 'POST', '/auth/step-up', { token: accessToken, body: { code: badCode } }),
      401,
      'invalid_step_up',
    );
    // Up to one more than the free failures (auth/throttle.ts); then even the right password waits.
    for (let i = 2; i <= DEFAULT_THROTTLE_POLICY.freeFailures.account_address; i += 1)
      expectError(await withPassword(accessToken, 'Bad-Pass-2'), 401, 'invalid_step_up');
    expectError(await withPassword(accessToken), 429, 'too_many_attempts');
    const events = await shop.ctx.db.query<{ action: string; details: Record<string, unknown> }>(
      "SELECT action, details FROM audit_events WHERE actor_id = 'stf_agent2' AND action LIKE 'staff.%' ORDER BY seq",
    );
    const failures = Array<string>(DEFAULT_THROTTLE_POLICY.freeFailures.account_address + 1).fill(
      'staff.step_up_failed',
    );
    expect(events.rows.map((e) => e.action)).toEqual([
      'staff.sign_in',
      ...failures,
      'staff.locked',
      'staff.step_up_failed',
    ]);
    expect(events.rows.at(-1)?.details).toMatchObject({ method: 'password', reason: 'throttled' });
    const stored = JSON.stringify(events.rows);
    for (const secret of ['Bad-Pass-1', 'Bad-Pass-2', badCode, accessToken]) expect(stored).not.toContain(secret);
  });

  it('refuses a code already used to sign in', async () => {
    await setPolicy(shop, 'totp');
    const login = await apiRequest(shop.url, 'POST', '/auth/login', {
      body: { email: 'admin@demo.test', password: DEMO_STAFF_PASSWORD },
    });
    const code = await nextTotpCode(shop.url, 'admin@demo.test', { clock: shop.clock });
    const signedIn = await apiRequest(shop.url, 'POST', '/auth/mfa', {
      body: { mfaToken: (login.json as { mfaToken: string }).mfaToken, code },
    });
    const { accessToken } = signedIn.json as { accessToken: string };
    const replayed = await apiRequest(shop.url, 'POST', '/auth/step-up', { token: accessToken, body: { code } });
    expectError(replayed, 401, 'invalid_step_up');
    expect(replayed.json).toMatchObject({ error: { message: CODE_MESSAGES.code_reused } });
  });

  it('needs a signed-in staff member and a valid body', async () => {
    expectError(
      await apiRequest(shop.url, 'POST', '/auth/step-up', { body: { password: DEMO_STAFF_PASSWORD } }),
      401,
      'unauthorized',
    );
    const { accessToken } = await signIn(shop.url, 'trainee@demo.test', { clock: shop.clock });
    expectError(
      await apiRequest(shop.url, 'POST', '/auth/step-up', { token: accessToken, body: {} }),
      400,
      'validation_failed',
    );
    expectError(
      await apiRequest(shop.url, 'POST', '/auth/step-up', {
        token: accessToken,
        body: { code: '123456', password: 'x' },
      }),
      400,
      'validation_failed',
    );
  });

  it('issues tokens that work once, for their own sign-in, until they expire', async () => {
    await setPolicy(shop, 'totp');
    const agent = await signIn(shop.url, 'agent@demo.test', { clock: shop.clock });
    const { stepUpToken } = await stepUp(shop.url, agent.accessToken, 'agent@demo.test', { clock: shop.clock });
    const family = await shop.ctx.db.query<{ family_id: string }>(
      'SELECT family_id FROM access_tokens WHERE token_hash = $1',
      [hashSecret(agent.accessToken)],
    );
    const familyId = family.rows[0]?.family_id ?? '';
    const consume = (staffId: string, token: string | undefined, ofFamily = familyId) =>
      shop.ctx.db.transaction((tx) => consumeStepUpToken(tx, shop.ctx, { staffId, familyId: ofFamily }, token));

    expect(await consume('stf_supervisor', stepUpToken)).toBe(false);
    expect(await consume('stf_agent', stepUpToken, 'fam_another_sign_in')).toBe(false);
    expect(await consume('stf_agent', stepUpToken)).toBe(true);
    expect(await consume('stf_agent', stepUpToken)).toBe(false);
    expect(await consume('stf_agent', undefined)).toBe(false);
    expect(await consume('stf_agent', '')).toBe(false);
    expect(await consume('stf_agent', 'not a token')).toBe(false);
    expect(await consume('stf_agent', agent.accessToken)).toBe(false);

    const late = await stepUp(shop.url, agent.accessToken, 'agent@demo.test', { clock: shop.clock });
    shop.clock.advance(shop.ctx.config.stepUpSeconds * 1000);
    expect(await consume('stf_agent', late.stepUpToken)).toBe(false);
  });

  it('records the step-up without the code or token', async () => {
    await setPolicy(shop, 'totp');
    const { accessToken } = await signIn(shop.url, 'supervisor@demo.test', { clock: shop.clock });
    const { stepUpToken } = await stepUp(shop.url, accessToken, 'supervisor@demo.test', { clock: shop.clock });
    const events = await shop.ctx.db.query<{ action: string; details: Record<string, unknown> }>(
      "SELECT action, details FROM audit_events WHERE actor_id = 'stf_supervisor' AND action = 'staff.step_up'",
    );
    expect(events.rows).toHaveLength(1);
    expect(events.rows[0]?.details).toMatchObject({ method: 'totp' });
    expect(JSON.stringify(events.rows)).not.toContain(stepUpToken);
    expect(JSON.stringify(events.rows)).not.toContain(accessToken);
  });
});
