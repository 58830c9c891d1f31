import type { AssistSession } from '../../../shared/api/sessions';
import type { AssistPolicy, SessionMode } from '../../../shared/api/settings';
import type { Customer, ShopDocument, Store } from '../../../shared/api/shop';
import { ipcContract, type IpcArgs } from '../../../shared/ipc/contract';
import { BridgeError } from '../bridge/errors';
import { formatDate } from '../ui/format';
import { documentLabel } from '../ui/labels';
import { textLimits } from '../ui/schema-limits';

const StartArgs = ipcContract['sessions.start'].args;

export type StepUpMethod = 'totp' | 'password';

/** The step-up as the agent typed it: the authenticator code or the password, per `method`. */
export interface StepUpValue {
  method: StepUpMethod;
  secret: string;
}

/** What the agent is asked for first: the password only when the shop takes nothing else. */
export function firstStepUpMethod(policy: AssistPolicy): StepUpMethod {
  return policy.stepUpPolicy === 'password' ? 'password' : 'totp';
}

/** The step-up a request carries (starting a session, switching it to act). */
export function stepUpRequest({ method, secret }: StepUpValue): IpcArgs<'sessions.start'>['stepUp'] {
  return method === 'totp' ? { code: secret } : { password: secret };
}

const STEP_UP_MISSING: Readonly<Record<StepUpMethod, string>> = {
  totp: 'Enter the 6-digit code from your authenticator app.',
  password: 'Enter your password.',
};

/** The words at the step-up field while the contract refuses it (no 6-digit code, no password). */
export function stepUpProblem(value: StepUpValue): string | undefined {
  return StartArgs.shape.stepUp.safeParse(stepUpRequest(value)).success ? undefined : STEP_UP_MISSING[value.method];
}

/** What the agent has entered in the start-session form, as typed. */
export interface StartDraft {
  accountId: string;
  mode: SessionMode;
  reason: string;
  ticket: string;
  consentCode: string;
  method: StepUpMethod;
  /** The authenticator code or the password, per `method`. */
  secret: string;
}

/** The contract's lengths, for the inputs' `maxLength` and the messages. */
export const START_LIMITS = {
  reason: textLimits(StartArgs.shape.reason),
  ticket: textLimits(StartArgs.shape.ticket.unwrap()),
  password: textLimits(StartArgs.shape.stepUp.options[1].shape.password),
};

/** The document the storefront should open on, and the account it belongs to. */
export interface Landing {
  documentId: string;
  accountId: string;
}

/**
 * The request the form sends: trimmed text, a ticket only when given, the consent code only when
 * asked for, and the landing document only while the chosen store is the document's own.
 */
export function startRequest(
  draft: StartDraft,
  customerId: string,
  needsConsentCode: boolean,
  landing?: Landing,
): IpcArgs<'sessions.start'> {
  const ticket = draft.ticket.trim();
  return {
    customerId,
    accountId: draft.accountId,
    mode: draft.mode,
    reason: draft.reason.trim(),
    ...(ticket ? { ticket } : {}),
    ...(needsConsentCode ? { consentCode: draft.consentCode } : {}),
    ...(landing && landing.accountId === draft.accountId ? { landingDocumentId: landing.documentId } : {}),
    stepUp: stepUpRequest(draft),
  };
}

/** The customer's most recent activity in one of their accounts, and why it names that store. */
export interface LatestActivity {
  accountId: string;
  /** One line for the agent: `Concierge Demo US: latest order O-00000003 on Dec 3, 2026`. */
  why: string;
}

/**
 * The account of the customer's most recent activity: their newest document or their newest
 * assisted session, whichever is later; null when they have neither in an account they still have.
 */
export function latestActivity(
  customer: Customer,
  stores: readonly Store[],
  documents: readonly ShopDocument[],
  sessions: readonly AssistSession[],
): LatestActivity | null {
  const has = (accountId: string) => customer.accounts.some((a) => a.id === accountId);
  const newest = <T>(items: readonly T[], at: (item: T) => string) =>
    items.reduce<T | undefined>((best, item) => (best === undefined || at(item) > at(best) ? item : best), undefined);
  const doc = newest(
    documents.filter((d) => has(d.accountId)),
    (d) => d.createdAt,
  );
  const session = newest(
    sessions.filter((s) => has(s.accountId)),
    (s) => s.startedAt,
  );
  const storeName = (storeId: string) =>
    stores.find((s) => s.id === storeId)?.name ?? customer.accounts.find((a) => a.storeId === storeId)?.storeCode;
  if (doc && (!session || doc.createdAt >= session.startedAt))
    return {
      accountId: doc.accountId,
      why: `${storeName(doc.storeId)}: latest ${documentLabel(doc.type).one} ${doc.number} on ${formatDate(doc.createdAt)}`,
    };
  if (session)
    return {
      accountId: session.accountId,
      why: `${storeName(session.storeId)}: latest assisted session on ${formatDate(session.startedAt)} (${session.staffName})`,
    };
  return null;
}

export type StartProblems = Partial<Record<'account' | 'reason' | 'consentCode' | 'secret', string>>;

/** The contract's schema decides; each field it refuses gets the words the form shows for that field. */
export function startProblems(request: IpcArgs<'sessions.start'>, method: StepUpMethod): StartProblems {
  const parsed = StartArgs.safeParse(request);
  if (parsed.success) return {};
  const refused = new Set(parsed.error.issues.map((issue) => issue.path[0]));
  const problems: StartProblems = {};
  if (refused.has('accountId')) problems.account = 'Choose the store to assist in.';
  if (refused.has('reason')) problems.reason = `Give a reason (at least ${START_LIMITS.reason.min} characters).`;
  if (refused.has('consentCode')) problems.consentCode = 'Enter the 6-digit code the customer reads to you.';
  if (refused.has('stepUp')) problems.secret = STEP_UP_MISSING[method];
  return problems;
}

/**
 * The shop's own words when it refused for consent (no consent, a wrong, used or expired code, a
 * withdrawn code): they say which of these it was, so they are shown at the code field as given.
 */
export function consentRefusal(error: unknown): string | undefined {
  return error instanceof BridgeError && error.code === 'consent_required' ? error.message : undefined;
}
