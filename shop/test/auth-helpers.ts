import { TokenResponse, StepUpResponse, LoginResponse } from '../../shared/api/auth';
import { totpCodeForStep, totpStep, TOTP_PERIOD_SECONDS, TOTP_WINDOW } from '../auth/totp';
import type { Clock } from '../lib/clock';
import { DEMO_STAFF, DEMO_STAFF_PASSWORD } from '../seed/staff';

/** A clock the helper reads the time from; pass the test shop's clock when a test moves it. */
export type HelperClock = Clock & { advance?(ms: number): void };

export interface AuthHelperOptions {
  /** The shop's clock (`shop.clock`); defaults to real time. */
  clock?: HelperClock;
}

const realClock: HelperClock = { now: () => new Date() };

/**
 * The shop refuses a TOTP step at or before the last one it accepted for a staff member, so
 * every code this helper sends is for a later step than the previous one it sent to that shop.
 */
const lastStepSent = new Map<string, number>();

function demoSecret(email: string): string {
  const member = DEMO_STAFF.find((s) => s.email === email);
  if (!member) throw new Error(`${email} is not a demo staff member (shop/seed/staff.ts)`);
  return member.totpSecret;
}

/** Leave this much margin before a step ends, so the shop still sees it inside the window. */
const STEP_MARGIN_MS = 3000;

async function nextCode(shopUrl: string, email: string, clock: HelperClock): Promise<string> {
  const key = `${shopUrl} ${email}`;
  for (;;) {
    const now = clock.now();
    const current = totpStep(now);
    const intoStep = now.getTime() - current * TOTP_PERIOD_SECONDS * 1000;
    // The previous step is only safe while the shop cannot cross into the next one first.
    const earliest = intoStep < TOTP_PERIOD_SECONDS * 1000 - STEP_MARGIN_MS ? current - TOTP_WINDOW : current;
    const step = Math.max(earliest, (lastStepSent.get(key) ?? -Infinity) + 1);
    if (step <= current + TOTP_WINDOW) {
      lastStepSent.set(key, step);
      return totpCodeForStep(demoSecret(email), step);
    }
    // Every step in the window is spent: move the test clock on, or wait for real time to.
    const untilNext = (current + 1) * TOTP_PERIOD_SECONDS * 1000 - now.getTime();
    if (clock.advance) clock.advance(untilNext);
    else await new Promise((resolve) => setTimeout(resolve, untilNext + 50));
  }
}

async function postJson(url: string, body: unknown, accessToken?: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : null };
}

function expectOk(step: string, result: { status: number; json: unknown }): unknown {
  if (result.status !== 200) throw new Error(`${step} failed: HTTP ${String(result.status)} ${JSON.stringify(result.json)}`);
  return result.json;
}

/**
 * Signs a demo staff member in over real HTTP: password, then a TOTP code from the demo
 * secret. `shopUrl` is the shop origin (`startTestShop(...).url`).
 */
export async function signIn(shopUrl: string, email: string, options: AuthHelperOptions = {}): Promise<TokenResponse> {
  const clock = options.clock ?? realClock;
  const login = LoginResponse.parse(expectOk('login', await postJson(`${shopUrl}/api/v1/auth/login`, { email, password: DEMO_STAFF_PASSWORD })));
  const code = await nextCode(shopUrl, email, clock);
  return TokenResponse.parse(expectOk('mfa', await postJson(`${shopUrl}/api/v1/auth/mfa`, { mfaToken: login.mfaToken, code })));
}

/**
 * Gets a step-up token for a signed-in demo staff member: with a TOTP code (the default policy)
 * or with the password (`method: 'password'`).
 */
export async function stepUp(
  shopUrl: string,
  accessToken: string,
  email: string,
  options: AuthHelperOptions & { method?: 'totp' | 'password' } = {},
): Promise<StepUpResponse> {
  const clock = options.clock ?? realClock;
  const body = options.method === 'password' ? { password: DEMO_STAFF_PASSWORD } : { code: await nextCode(shopUrl, email, clock) };
  return StepUpResponse.parse(expectOk('step-up', await postJson(`${shopUrl}/api/v1/auth/step-up`, body, accessToken)));
}
