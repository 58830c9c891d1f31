import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginResponse, TokenResponse } from '../../shared/api/auth';
import { DEMO_STAFF, DEMO_STAFF_PASSWORD, seedStaff } from '../seed/staff';
import { errorCode, nextTotpCode, wrongTotpCode, type ApiResult } from '../test/auth-helpers';
import { describeBackends, startTestShop, type Backend, type TestShop } from '../test/harness';
import { apiRequestFrom } from '../test/source-address';
import { MFA_MAX_ATTEMPTS } from './sign-in';
import { addressKey, DEFAULT_THROTTLE_POLICY } from './throttle';
import { totpCodeForStep, totpStep } from './totp';

// Every test here runs on the default policy, the one the README documents.
const policy = DEFAULT_THROTTLE_POLICY;
const FREE = policy.freeFailures.account_address;
const FREE_PER_ADDRESS = policy.freeFailures.address;
const FIRST = policy.firstDelaySeconds;

/** The current code of a demo staff member, for attempts refused before any code is checked. */
function currentCode(shop: TestShop, email: string): string {
  const secret = DEMO_STAFF.find((s) => s.email === email)?.totpSecret ?? '';
  return totpCodeForStep(secret, totpStep(shop.clock.now()));
}

/** What a client can observe of a response: status, body and Retry-After. */
const seen = (result: ApiResult) => ({
  status: result.status,
  body: result.json,
  retryAfter: result.headers.get('retry-after'),
});

function expectError(result: ApiResult, status: number, code: string): void {
  expect({ status: result.status, code: errorCode(result) }).toEqual({ status, code });
}

function expectThrottled(result: ApiResult, retryAfterSeconds: number): void {
  expectError(result, 429, 'too_many_attempts');
  expect(result.headers.get('retry-after')).toBe(String(retryAfterSeconds));
}

/** A client of `shop` at one loopback address. */
function client(shop: TestShop, address: string) {
  const post = (path: string, body: unknown, token?: string) =>
    apiRequestFrom(address, shop.url, 'POST', path, { body, ...(token !== undefined ? { token } : {}) });
  const code = (email: string) => nextTotpCode(shop.url, email, { clock: shop.clock });
  return {
    login: (email: string, password = DEMO_STAFF_PASSWORD) => post('/auth/login', { email, password }),
    mfa: (mfaToken: string, answer: string) => post('/auth/mfa', { mfaToken, code: answer }),
    stepUp: (accessToken: string, body: unknown) => post('/auth/step-up', body, accessToken),
    async challenge(email: string, password = DEMO_STAFF_PASSWORD): Promise<string> {
      const result = await post('/auth/login', { email, password });
      expect(result.status, JSON.stringify(result.json)).toBe(200);
      return LoginResponse.parse(result.json).mfaToken;
    },
    async signIn(email: string): Promise<TokenResponse> {
      const mfaToken = await this.challenge(email);
      const result = await post('/auth/mfa', { mfaToken, code: await code(email) });
      expect(result.status, JSON.stringify(result.json)).toBe(200);
      return TokenResponse.parse(result.json);
    },
  };
}

interface AuditRow {
  action: string;
  actor_type: string;
  actor_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

async function auditAt(shop: TestShop, ip: string): Promise<AuditRow[]> {
  const result = await shop.ctx.db.query<AuditRow>(
    'SELECT action, actor_type, actor_id, ip, details FROM audit_events WHERE ip = $1 ORDER BY seq',
    [ip],
  );
  return result.rows;
}

describeBackends('sign-in throttling', (backend: Backend) => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await startTestShop(backend, { seed: seedStaff, stillClock: true });
  });
  afterAll(async () => {
    await shop.close();
  });

  it("lets the staff member sign in and step up from another address while an attacker's address waits", async () => {
    const attacker = client(shop, '127.0.0.2');
    const staff = client(shop, '127.0.0.3');
    for (let i = 0; i <= FREE; i += 1)
      expectError(await attacker.login('agent@demo.test', `guess-${String(i)}`), 401, 'invalid_credentials');
    // Inside the wait even the right password is refused unchecked.
    expectThrottled(await attacker.login('agent@demo.test'), FIRST);

    const { accessToken } = await staff.signIn('agent@demo.test');
    const steppedUp = await staff.stepUp(accessToken, {
      code: await nextTotpCode(shop.url, 'agent@demo.test', { clock: shop.clock }),
    });
    expect(steppedUp.status, JSON.stringify(steppedUp.json)).toBe(200);
    expectThrottled(await attacker.login('agent@demo.test'), FIRST);

    const recorded = await auditAt(shop, '127.0.0.2');
    const locked = recorded.filter((e) => e.action === 'staff.locked');
    expect(locked).toHaveLength(1);
    expect(locked[0]).toMatchObject({
      actor_id: 'stf_agent',
      details: { scope: 'account_address', address: '127.0.0.2', failures: FREE + 1, delaySeconds: FIRST },
    });
    expect(recorded.at(-1)).toMatchObject({
      action: 'staff.sign_in_failed',
      details: { reason: 'throttled', retryAfterSeconds: FIRST },
    });
  });

  it('doubles the wait with each further failure up to the cap, counts wrong codes too, and forgives after a full sign-in', async () => {
    const email = 'supervisor@demo.test';
    const from = client(shop, '127.0.0.4');
    // Wrong passwords first: few enough that the account stays out of guard (see the guard tests).
    for (let i = 0; i <= FREE; i += 1) expectError(await from.login(email, 'wrong'), 401, 'invalid_credentials');
    let wait = FIRST;
    for (const kind of [
      'password',
      'password',
      'password',
      'code',
      'code',
      'code',
      'code',
      'code',
      'code',
      'code',
      'code',
    ]) {
      expectThrottled(await from.login(email), wait);
      shop.clock.advance(wait * 1000);
      if (kind === 'password') {
        expectError(await from.login(email, 'wrong'), 401, 'invalid_credentials');
      } else {
        // The right password alone forgives nothing; a wrong code on its challenge counts.
        const mfaToken = await from.challenge(email);
        expectError(await from.mfa(mfaToken, wrongTotpCode(email, shop.clock.now())), 401, 'invalid_mfa_code');
        expectThrottled(await from.mfa(mfaToken, currentCode(shop, email)), Math.min(wait * 2, policy.maxDelaySeconds));
      }
      wait = Math.min(wait * 2, policy.maxDelaySeconds);
    }
    expect(wait).toBe(policy.maxDelaySeconds);
    expectThrottled(await from.login(email), policy.maxDelaySeconds);

    shop.clock.advance(wait * 1000);
    await from.signIn(email);
    // Forgiven on this account: a wrong code no longer makes the address wait. (The address's own
    // count, over all accounts, is not forgiven: it stands at 18 of its free 20 here.)
    const mfaToken = await from.challenge(email);
    expectError(await from.mfa(mfaToken, wrongTotpCode(email, shop.clock.now())), 401, 'invalid_mfa_code');
    expect((await from.login(email)).status).toBe(200);
  });

  it('throttles one address trying many emails as a whole, and only that address', async () => {
    const sprayer = client(shop, '127.0.0.6');
    for (let i = 0; i <= FREE_PER_ADDRESS; i += 1)
      expectError(await sprayer.login(`spray-${String(i)}@demo.test`, 'Winter2025!'), 401, 'invalid_credentials');
    expectThrottled(await sprayer.login('agent2@demo.test'), FIRST);
    await client(shop, '127.0.0.7').signIn('agent2@demo.test');
    shop.clock.advance(FIRST * 1000);
    expect((await sprayer.login('agent2@demo.test')).status).toBe(200);
    const locked = (await auditAt(shop, '127.0.0.6')).filter((e) => e.action === 'staff.locked');
    expect(locked).toHaveLength(1);
    expect(locked[0]).toMatchObject({
      actor_type: 'system',
      details: {
        scope: 'address',
        failures: FREE_PER_ADDRESS + 1,
        email: `spray-${String(FREE_PER_ADDRESS)}@demo.test`,
      },
    });
  });

  it('answers an unknown email exactly like a staff email, failure after failure', async () => {
    const known = client(shop, '127.0.0.8');
    const unknown = client(shop, '127.0.0.9');
    for (let i = 0; i < FREE + 3; i += 1) {
      const [a, b] = [await known.login('trainee@demo.test', 'wrong'), await unknown.login('ghost@demo.test', 'wrong')];
      expect(seen(b), `attempt ${String(i + 1)}`).toEqual(seen(a));
      if (a.status === 429) shop.clock.advance(Number(a.headers.get('retry-after')) * 1000);
    }
    expect((await auditAt(shop, '127.0.0.9')).map((e) => [e.action, e.actor_type])).toEqual(
      (await auditAt(shop, '127.0.0.8')).map((e) => [e.action, 'system']),
    );
  });

  it('throttles wrong step-up answers per account and address, and strangers elsewhere cannot stop a step-up', async () => {
    const email = 'admin@demo.test';
    const staff = client(shop, '127.0.0.10');
    const { accessToken } = await staff.signIn(email);
    const stranger = client(shop, '127.0.0.11');
    for (let i = 0; i <= FREE; i += 1) expectError(await stranger.login(email, 'wrong'), 401, 'invalid_credentials');
    expectThrottled(await stranger.login(email), FIRST);

    const code = () => nextTotpCode(shop.url, email, { clock: shop.clock });
    expect((await staff.stepUp(accessToken, { code: await code() })).status).toBe(200);
    for (let i = 0; i <= FREE; i += 1)
      expectError(
        await staff.stepUp(accessToken, { code: wrongTotpCode(email, shop.clock.now()) }),
        401,
        'invalid_step_up',
      );
    expectThrottled(await staff.stepUp(accessToken, { code: currentCode(shop, email) }), FIRST);
    shop.clock.advance(FIRST * 1000);
    expect((await staff.stepUp(accessToken, { code: await code() })).status).toBe(200);
    // That success forgave this address its failures on the account: the free ones are free again.
    for (let i = 0; i < FREE; i += 1)
      expectError(
        await staff.stepUp(accessToken, { code: wrongTotpCode(email, shop.clock.now()) }),
        401,
        'invalid_step_up',
      );
    expect((await staff.stepUp(accessToken, { code: await code() })).status).toBe(200);
  });

  it('checks at most the free attempts of a burst sent at once', async () => {
    const from = client(shop, '127.0.0.12');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => from.login('agent2@demo.test', `burst-${String(i)}`)),
    );
    expect(results.filter((r) => r.status === 401)).toHaveLength(FREE + 1);
    expect(results.filter((r) => r.status === 429)).toHaveLength(20 - FREE - 1);
  });
});

describeBackends('account guard', (backend: Backend) => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await startTestShop(backend, { seed: seedStaff, stillClock: true });
  });
  afterAll(async () => {
    await shop.close();
  });

  const GUARD = policy.guardAfterFailures;
  const at = (i: number, subnet: number) => client(shop, `127.0.${String(subnet)}.${String(i + 1)}`);

  it('stops telling a distributed attacker whether a password was right, while the staff member signs in as usual', async () => {
    // Many addresses, one wrong password each: no address ever waits.
    for (let i = 0; i < GUARD; i += 1) {
      const [a, b] = [
        await at(i, 1).login('agent@demo.test', `guess-${String(i)}`),
        await at(i, 2).login('ghost@demo.test', `guess-${String(i)}`),
      ];
      expectError(a, 401, 'invalid_credentials');
      expect(seen(b)).toEqual(seen(a));
    }
    // Now a wrong password earns a challenge like the right one, for staff and unknown emails alike.
    const decoy = await at(GUARD, 1).challenge('agent@demo.test', 'guess-again');
    const ghost = await at(GUARD, 2).challenge('ghost@demo.test', 'guess-again');
    const staff = at(GUARD + 1, 1);
    const real = await staff.challenge('agent@demo.test');
    const wrong = wrongTotpCode('agent@demo.test', shop.clock.now());
    const answers = [
      await at(GUARD, 1).mfa(decoy, wrong),
      await at(GUARD, 2).mfa(ghost, wrong),
      await staff.mfa(real, wrong),
    ];
    expectError(answers[0]!, 401, 'invalid_mfa_code');
    expect(answers.map(seen)).toEqual([seen(answers[0]!), seen(answers[0]!), seen(answers[0]!)]);
    // The staff member, with the right password and a code, gets in.
    const signedIn = await staff.mfa(real, await nextTotpCode(shop.url, 'agent@demo.test', { clock: shop.clock }));
    expect(signedIn.status, JSON.stringify(signedIn.json)).toBe(200);

    const guardEvents = await shop.ctx.db.query<AuditRow>(
      "SELECT action, actor_type, actor_id, ip, details FROM audit_events WHERE action = 'staff.locked' ORDER BY seq",
    );
    expect(guardEvents.rows.map((e) => [e.actor_type, e.details.scope, e.details.email ?? e.actor_id])).toEqual([
      ['staff', 'account', 'stf_agent'],
      ['system', 'account', 'ghost@demo.test'],
    ]);
  });

  it('spends a decoy like a real challenge, and only a valid code learns that its password was wrong', async () => {
    const email = 'agent@demo.test';
    const from = at(0, 3);
    // Each from a fresh address, so both start from the same history.
    const spend = async (by: ReturnType<typeof at>, mfaToken: string) => {
      const results: ApiResult[] = [];
      for (let i = 0; i <= MFA_MAX_ATTEMPTS; i += 1)
        results.push(await by.mfa(mfaToken, wrongTotpCode(email, shop.clock.now())));
      return results.map(seen);
    };
    const decoySpent = await spend(from, await from.challenge(email, 'still-guessing'));
    const elsewhere = at(1, 3);
    const realSpent = await spend(elsewhere, await elsewhere.challenge(email));
    expect(decoySpent).toEqual(realSpent);
    expect(realSpent.at(-1)).toMatchObject({ status: 401, body: { error: { code: 'invalid_mfa_code' } } });

    const withCode = await at(2, 3).mfa(
      await at(2, 3).challenge(email, 'mistyped'),
      await nextTotpCode(shop.url, email, { clock: shop.clock }),
    );
    expectError(withCode, 401, 'invalid_credentials');
  });
});

describe('addressKey', () => {
  it('counts an IPv6 /64 as one address and IPv4-mapped IPv6 as IPv4', () => {
    expect(addressKey('127.0.0.2')).toBe('127.0.0.2');
    expect(addressKey('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
  });
});
