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
const STEP_MARGIN_MS = 10_000;

/**
 * A TOTP code of a demo staff member that the shop at `shopUrl` has not seen yet: each call
 * uses a later time step than the last (within the shop's ±1 window, advancing the given clock
 * or waiting when the window is spent). Use it for codes a test sends itself.
 */
export async function nextTotpCode(shopUrl: string, email: string, options: AuthHelperOptions = {}): Promise<string> {
  const clock = options.clock ?? realClock;
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

export interface ApiResult {
  status: number;
  headers: Headers;
  /** The parsed JSON body; null when there is none. */
  json: unknown;
}

/**
 * One real HTTP request to the API (`path` below /api/v1). `token` goes in as a Bearer token;
 * `authorization` replaces the header outright (for malformed-header tests).
 */
export async function apiRequest(
  shopUrl: string,
  method: string,
  path: string,
  options: { token?: string; authorization?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  const response = await fetch(`${shopUrl}/api/v1${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as unknown) : null };
}

/** The `error.code` of an API error body, or null when the body is not one. */
export function errorCode(result: ApiResult): string | null {
  const body = result.json;
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  const error = body.error;
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : null;
}

/** A 6-digit code that is none of the codes of `email` near `at`: a guaranteed wrong answer. */
export function wrongTotpCode(email: string, at: Date): string {
  const step = totpStep(at);
  const near = new Set([-2, -1, 0, 1, 2].map((d) => totpCodeForStep(demoSecret(email), step + d)));
  for (let n = 0; ; n += 1) {
    const code = String(n).padStart(6, '0');
    if (!near.has(code)) return code;
  }
}

function postJson(shopUrl: string, path: string, body: unknown, token?: string): Promise<ApiResult> {
  return apiRequest(shopUrl, 'POST', path, { body, ...(token !== undefined ? { token } : {}) });
}

function expectOk(step: string, result: ApiResult): unknown {
  if (result.status !== 200)
    throw new Error(`${step} failed: HTTP ${String(result.status)} ${JSON.stringify(result.json)}`);
  return result.json;
}

/**
 * Signs a demo staff member in over real HTTP: password, then a TOTP code from the demo
 * secret. `shopUrl` is the shop origin (`startTestShop(...).url`).
 */
export async function signIn(shopUrl: string, email: string, options: AuthHelperOptions = {}): Promise<TokenResponse> {
  const login = LoginResponse.parse(
    expectOk('login', await postJson(shopUrl, '/auth/login', { email, password: DEMO_STAFF_PASSWORD })),
  );
  const code = await nextTotpCode(shopUrl, email, options);
  return TokenResponse.parse(expectOk('mfa', await postJson(shopUrl, '/auth/mfa', { mfaToken: login.mfaToken, code })));
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
  const body =
    options.method === 'password'
      ? { password: DEMO_STAFF_PASSWORD }
      : { code: await nextTotpCode(shopUrl, email, options) };
  return StepUpResponse.parse(expectOk('step-up', await postJson(shopUrl, '/auth/step-up', body, accessToken)));
}
