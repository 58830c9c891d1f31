import type { SessionMode } from '../../../shared/api/settings';
import { ipcContract, type IpcArgs } from '../../../shared/ipc/contract';
import { BridgeError } from '../bridge/errors';
import { textLimits } from '../ui/schema-limits';

const StartArgs = ipcContract['sessions.start'].args;

export type StepUpMethod = 'totp' | 'password';

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

/** The request the form sends: trimmed text, a ticket only when given, the consent code only when asked for. */
export function startRequest(
  draft: StartDraft,
  customerId: string,
  needsConsentCode: boolean,
): IpcArgs<'sessions.start'> {
  const ticket = draft.ticket.trim();
  return {
    customerId,
    accountId: draft.accountId,
    mode: draft.mode,
    reason: draft.reason.trim(),
    ...(ticket ? { ticket } : {}),
    ...(needsConsentCode ? { consentCode: draft.consentCode } : {}),
    stepUp: draft.method === 'totp' ? { code: draft.secret } : { password: draft.secret },
  };
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
  if (refused.has('stepUp'))
    problems.secret =
      method === 'totp' ? 'Enter the 6-digit code from your authenticator app.' : 'Enter your password.';
  return problems;
}

/**
 * The shop's own words when it refused for consent (no consent, a wrong, used or expired code, a
 * withdrawn code): they say which of these it was, so they are shown at the code field as given.
 */
export function consentRefusal(error: unknown): string | undefined {
  return error instanceof BridgeError && error.code === 'consent_required' ? error.message : undefined;
}
