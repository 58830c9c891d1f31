import type { IpcError } from '../../../shared/ipc/contract';

/** A refused or failed bridge call, carrying the contract's error so screens can explain it. */
export class BridgeError extends Error {
  readonly kind: IpcError['kind'];
  readonly code: string;
  readonly fields: NonNullable<IpcError['fields']>;

  constructor(error: IpcError) {
    super(error.message);
    this.name = 'BridgeError';
    this.kind = error.kind;
    this.code = error.code;
    this.fields = error.fields ?? [];
  }
}

/** Plain words for the shop's and main's error codes; the raw message is the fallback. */
const PLAIN: Readonly<Record<string, string>> = {
  invalid_credentials: 'The email or password is not right.',
  invalid_mfa_code: 'That code is not right or has expired. Codes change every 30 seconds: enter the current one.',
  too_many_attempts:
    'Too many failed attempts from here: wait a moment before trying again. Each further failure makes the wait longer.',
  rate_limited: 'Too many requests in a short time. Wait a moment and try again.',
  unauthorized: 'Your sign-in has ended. Sign in again.',
  token_expired: 'Your sign-in has ended. Sign in again.',
  invalid_refresh_token: 'Your saved sign-in is no longer valid. Sign in again.',
  step_up_required: 'Confirm it is you: enter your authenticator code or password.',
  invalid_step_up: 'The confirmation was not accepted: the code or password is not right.',
  permission_denied: 'Your role does not allow this. Ask a supervisor if you need it.',
  consent_required:
    'This customer has not allowed assistance. Ask them to sign in to the store, open their account, then "Assistance", press "Get a one-time code" and read you the code.',
  assistance_disabled: 'Assisted sessions are turned off in the shop’s settings.',
  customer_not_found: 'This customer no longer exists in the shop.',
  account_not_found: 'This customer has no account in that store.',
  session_not_found: 'This session no longer exists.',
  session_ended: 'This session has already ended.',
  validation_failed: 'Some fields need attention.',
};

export function plainMessage(error: unknown): string {
  if (error instanceof BridgeError) {
    if (error.kind === 'network')
      return `The shop cannot be reached. Check the shop address and that the shop is running. (${error.message})`;
    if (error.kind === 'keychain') return `The system keychain could not be used: ${error.message}`;
    return PLAIN[error.code] ?? error.message;
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

/** The first message the shop or main gave for a field, keyed by its path (`reason`, `stepUp.code`). */
export function fieldMessages(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof BridgeError)) return out;
  for (const field of error.fields) out[field.path] ??= field.message;
  return out;
}
