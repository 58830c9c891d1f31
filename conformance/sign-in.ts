import type { Role } from '../shared/api/auth';
import { createApiClient } from '../main/core/api/api-client';
import { ShopRefusedError } from '../main/core/errors';
import type { StaffCredentials, StaffFile } from './staff-file';
import { CheckFailed, SkipCheck, type RunContext, type SignedIn } from './suite';
import type { TotpCodes } from './totp';

/** Codes a shop may refuse because another sign-in spent their time step; the next step's code is tried. */
const TOTP_RETRIES = 2;

const refusedAs = (error: unknown, code: string): boolean => error instanceof ShopRefusedError && error.code === code;

/** Answers a TOTP prompt, trying a later step's code when the shop says a code was already used. */
export async function withTotp<T>(
  totp: TotpCodes,
  secret: string,
  refusalCode: string,
  send: (code: string) => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    const code = await totp.next(secret);
    try {
      return await send(code);
    } catch (error) {
      if (!refusedAs(error, refusalCode) || attempt >= TOTP_RETRIES) throw error;
    }
  }
}

/** Password, then TOTP, through the console's client; the client then carries the tokens (and refreshes them). */
export async function signIn(shopUrl: string, person: StaffCredentials, totp: TotpCodes): Promise<SignedIn> {
  const tokens = { access: '', refresh: '' };
  const anonymous = createApiClient({ shopUrl });
  const client = createApiClient({
    shopUrl,
    tokens: {
      accessToken: () => tokens.access || null,
      refreshAccessToken: async () => {
        const pair = await anonymous.refresh(tokens.refresh);
        tokens.access = pair.accessToken;
        tokens.refresh = pair.refreshToken;
        return true;
      },
    },
  });
  const { mfaToken } = await client.login(person.email, person.password);
  const pair = await withTotp(totp, person.totpSecret, 'invalid_mfa_code', (code) => client.verifyMfa(mfaToken, code));
  tokens.access = pair.accessToken;
  tokens.refresh = pair.refreshToken;
  return { person, staff: pair.staff, client, tokens };
}

/** A step-up token by the method the shop's policy allows (the password where it may, else a TOTP code). */
export async function stepUp(who: SignedIn, totp: TotpCodes): Promise<string> {
  const policy = await who.client.assistPolicy();
  if (policy.stepUpPolicy !== 'totp') return (await who.client.stepUp({ password: who.person.password })).stepUpToken;
  const answer = await withTotp(totp, who.person.totpSecret, 'invalid_step_up', (code) => who.client.stepUp({ code }));
  return answer.stepUpToken;
}

/**
 * Expects `call` to be refused with one of `statuses` (and `code`, when given); returns the refusal.
 * A call that succeeds, or fails another way, fails the check.
 */
export async function expectRefusal(
  call: Promise<unknown>,
  statuses: readonly number[],
  code?: string,
): Promise<ShopRefusedError> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ShopRefusedError)) throw error;
    const wanted = `${statuses.join(' or ')}${code ? ` ${code}` : ''}`;
    if (!statuses.includes(error.status) || (code !== undefined && error.code !== code))
      throw new CheckFailed(`expected ${wanted}, got ${error.status} ${error.code}`);
    return error;
  }
  throw new CheckFailed(`expected a refusal (${statuses.join(' or ')}${code ? ` ${code}` : ''}), but it succeeded`);
}

export function createRunContext(shopUrl: string, file: StaffFile, totp: TotpCodes): RunContext {
  const signedIn = new Map<string, Promise<SignedIn>>();
  const people = (role: Role) => file.staff.filter((s) => s.role === role);
  return {
    shopUrl,
    file,
    totp,
    state: {},
    people,
    as(role, index = 0) {
      const person = people(role)[index];
      if (!person) return Promise.reject(new SkipCheck(`the staff file has no ${index > 0 ? 'second ' : ''}${role}`));
      let pending = signedIn.get(person.email);
      if (!pending) {
        pending = signIn(shopUrl, person, totp);
        signedIn.set(person.email, pending);
      }
      return pending;
    },
  };
}
