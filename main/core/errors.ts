import { ZodError } from 'zod';
import type { IpcError } from '../../shared/ipc/contract';

/**
 * The ways a console call fails, each mapped to one IpcError kind the UI can explain:
 * the shop could not be reached, the shop refused (with its code), the shop answered something
 * the contract does not allow, the agent is not signed in, or the keychain failed.
 */

export class ShopUnreachableError extends Error {
  readonly code: 'shop_unreachable' | 'shop_timeout';
  constructor(message: string, code: 'shop_unreachable' | 'shop_timeout' = 'shop_unreachable') {
    super(message);
    this.name = 'ShopUnreachableError';
    this.code = code;
  }
}

export interface FieldProblem {
  path: string;
  message: string;
}

export class ShopRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldProblem[],
  ) {
    super(message);
    this.name = 'ShopRefusedError';
  }
}

export class ShopResponseInvalidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShopResponseInvalidError';
  }
}

/** The caller gave up on the call (the agent typed on, the page went away): nobody waits for its answer. */
export class CallCancelledError extends Error {
  constructor(message = 'The request was cancelled.') {
    super(message);
    this.name = 'CallCancelledError';
  }
}

export class NotSignedInError extends Error {
  constructor(message = 'Sign in first.') {
    super(message);
    this.name = 'NotSignedInError';
  }
}

/** A refusal made by the console itself (not the shop), e.g. no free storefront slot. */
export class ConsoleRefusedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConsoleRefusedError';
  }
}

/** The OS keychain failed after it had worked (locked, removed); the vault throws it. */
export class KeychainError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeychainError';
  }
}

const unexpectedMessage = (logLocation: string | null) =>
  `Something went wrong in the console; the details are in its log${logLocation ? ` (${logLocation})` : ''}.`;

/** A failure nobody expected, already logged with its stack: the person is told where that log is. */
export class UnexpectedFailure extends Error {
  constructor(logLocation: string | null, options?: { cause?: unknown }) {
    super(unexpectedMessage(logLocation), options);
    this.name = 'UnexpectedFailure';
  }
}

/** Shop codes meaning "your sign-in is gone": the UI returns to the sign-in screen. */
const SIGNED_OUT_CODES = new Set(['unauthorized', 'token_expired', 'invalid_refresh_token']);

export function toIpcError(error: unknown): IpcError {
  if (error instanceof ShopUnreachableError) {
    return { kind: 'network', code: error.code, message: error.message };
  }
  if (error instanceof ShopRefusedError) {
    if (error.status === 401 && SIGNED_OUT_CODES.has(error.code))
      return { kind: 'auth', code: error.code, message: error.message };
    if (error.code === 'validation_failed' || error.fields) {
      return {
        kind: 'validation',
        code: error.code,
        message: error.message,
        ...(error.fields ? { fields: error.fields } : {}),
      };
    }
    return { kind: 'shop', code: error.code, message: error.message };
  }
  if (error instanceof CallCancelledError) return { kind: 'internal', code: 'cancelled', message: error.message };
  if (error instanceof NotSignedInError) return { kind: 'auth', code: 'not_signed_in', message: error.message };
  if (error instanceof ConsoleRefusedError) return { kind: 'shop', code: error.code, message: error.message };
  if (error instanceof KeychainError) return { kind: 'keychain', code: 'keychain_failed', message: error.message };
  if (error instanceof ZodError) {
    return {
      kind: 'validation',
      code: 'invalid_arguments',
      message: 'The request was not valid.',
      fields: error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    };
  }
  if (error instanceof ShopResponseInvalidError)
    return { kind: 'internal', code: 'bad_shop_response', message: error.message };
  if (error instanceof UnexpectedFailure) return { kind: 'internal', code: 'internal_error', message: error.message };
  return { kind: 'internal', code: 'internal_error', message: unexpectedMessage(null) };
}
