import { createApiClient } from '../../main/core/api/api-client';
import { totpCodeForStep, totpStep } from '../../shop/auth/totp';
import { expectRefusal, withTotp } from '../sign-in';
import type { StaffCredentials } from '../staff-file';
import { expect, need, SkipCheck, type Check, type RunContext } from '../suite';
import { rawRequest } from '../http';

const SIGN_IN = 'auth: sign-in needs password then TOTP';

/** Whom the auth checks sign in as on their own: a trainee if there is one (they do little else), else the last agent. */
function authPerson(ctx: RunContext): StaffCredentials {
  const person = ctx.people('trainee')[0] ?? ctx.people('agent').at(-1);
  if (!person) throw new SkipCheck('the staff file has no trainee or agent');
  return person;
}

/** A code of a step far from now: never valid, whatever the clock. */
const wrongCode = (secret: string) => totpCodeForStep(secret, totpStep(new Date()) - 1000);

async function passwordThenTotp(ctx: RunContext): Promise<string> {
  const person = authPerson(ctx);
  const client = createApiClient({ shopUrl: ctx.shopUrl });
  await expectRefusal(client.login(person.email, `${person.password}-wrong`), [401], 'invalid_credentials');
  const { mfaToken } = await client.login(person.email, person.password);
  await expectRefusal(client.verifyMfa(mfaToken, wrongCode(person.totpSecret)), [401], 'invalid_mfa_code');
  const pair = await withTotp(ctx.totp, person.totpSecret, 'invalid_mfa_code', (code) =>
    client.verifyMfa(mfaToken, code),
  );
  expect(pair.staff.email === person.email, `signed in as ${pair.staff.email}, not ${person.email}`);
  expect(pair.staff.role === person.role, `the shop says ${person.email} is ${pair.staff.role}, not ${person.role}`);
  ctx.state.ownSignIn = { access: pair.accessToken, refresh: pair.refreshToken };
  return 'wrong password and wrong code refused; password + TOTP signs in';
}

async function refreshRotation(ctx: RunContext): Promise<string> {
  const first = need(ctx.state.ownSignIn, SIGN_IN);
  const anonymous = createApiClient({ shopUrl: ctx.shopUrl });
  const old = first.refresh;
  const rotated = await anonymous.refresh(old);
  expect(rotated.refreshToken !== old, 'the refresh gave back the same refresh token');
  expect(rotated.accessToken !== first.access, 'the refresh gave back the same access token');
  const me = await rawRequest(ctx.shopUrl, 'GET', 'me', { token: rotated.accessToken });
  expect(me.status === 200, `the rotated access token was refused: GET /me answered ${me.status}`);
  await expectRefusal(anonymous.refresh(old), [401], 'invalid_refresh_token');
  return 'a refresh rotates both tokens; the used refresh token is refused';
}

async function anonymousRefused(ctx: RunContext): Promise<string> {
  for (const path of ['me', 'customers?q=a', 'audit/events', 'assist-sessions']) {
    const answer = await rawRequest(ctx.shopUrl, 'GET', path);
    expect(answer.status === 401, `GET /${path} without a token answered ${answer.status}, not 401`);
  }
  const forged = await rawRequest(ctx.shopUrl, 'GET', 'me', { token: 'not-a-token' });
  expect(forged.status === 401, `GET /me with a made-up token answered ${forged.status}, not 401`);
  return 'no token or a made-up one: 401';
}

export const authChecks: Check[] = [
  { name: 'auth: unauthenticated requests refused', run: anonymousRefused },
  { name: SIGN_IN, run: passwordThenTotp },
  { name: 'auth: refresh rotates; used refresh token refused', run: refreshRotation },
];
