import type { Role, Staff } from '../shared/api/auth';
import type { AuditEvent } from '../shared/api/audit';
import type { AssistSession } from '../shared/api/sessions';
import type { Customer } from '../shared/api/shop';
import type { ApiClient } from '../main/core/api/api-client';
import type { StaffCredentials, StaffFile } from './staff-file';
import type { TotpCodes } from './totp';

/** A staff member signed in through the console's own API client. */
export interface SignedIn {
  readonly person: StaffCredentials;
  readonly staff: Staff;
  readonly client: ApiClient;
  readonly tokens: { access: string; refresh: string };
}

/** A session a check started, for the checks after it (handoff, heartbeat, end, storefront). */
export interface StartedSession {
  session: AssistSession;
  handoffUrl: string;
  stepUpToken: string;
  /** The storefront's cookies once the handoff was redeemed, as a Cookie header. */
  cookie?: string;
  /** Where the redeemed handoff sent the browser (the assisted customer's store). */
  landingUrl?: string;
}

/** What checks hand on to later checks. */
export interface SuiteState {
  /** The auth check's own sign-in (not shared: its refresh check revokes it). */
  ownSignIn?: { access: string; refresh: string };
  customers?: { consented: Customer; unconsented: Customer; orderNumber: string };
  sessionA?: StartedSession;
  sessionB?: { session: AssistSession; agent: SignedIn };
  audit?: { events: AuditEvent[]; hashes: Map<number, string> };
}

export interface RunContext {
  readonly shopUrl: string;
  readonly file: StaffFile;
  readonly totp: TotpCodes;
  readonly state: SuiteState;
  /** The staff of a role in the file, in file order. */
  people(role: Role): StaffCredentials[];
  /** A shared sign-in of the `index`th person of `role` (signed in once, on first use); skips the check when there is none. */
  as(role: Role, index?: number): Promise<SignedIn>;
}

export interface Check {
  readonly name: string;
  /** Resolves with a short note on success; throws to fail (SkipCheck to skip). */
  readonly run: (ctx: RunContext) => Promise<string>;
}

export type Outcome = 'pass' | 'FAIL' | 'skip';
export interface CheckResult {
  readonly name: string;
  readonly outcome: Outcome;
  readonly reason: string;
  readonly ms: number;
}

/** Thrown by a check that cannot run against this shop or staff file (not a failure). */
export class SkipCheck extends Error {
  override name = 'SkipCheck';
}

/** Thrown when what the shop did breaks the contract. */
export class CheckFailed extends Error {
  override name = 'CheckFailed';
}

export function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}

/** A value an earlier check should have left in the state. */
export function need<T>(value: T | undefined, check: string): T {
  if (value === undefined) throw new CheckFailed(`needs "${check}" to pass first`);
  return value;
}

export async function runChecks(checks: readonly Check[], ctx: RunContext): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const started = performance.now();
    let outcome: Outcome = 'pass';
    let reason: string;
    try {
      reason = await check.run(ctx);
    } catch (error) {
      outcome = error instanceof SkipCheck ? 'skip' : 'FAIL';
      reason = error instanceof Error ? error.message : String(error);
    }
    results.push({ name: check.name, outcome, reason, ms: Math.round(performance.now() - started) });
  }
  return results;
}
