import type { ErrorCode } from '../protocol/protocol';

/** A refusal in the Assistance API's shape (`{error: {code, message}}`), never a stack trace. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly fields?: { path: string; message: string }[],
    /** More of the answer: fields of `error` (e.g. endReason) and beside it (e.g. the session). */
    readonly extra?: { error?: Record<string, unknown>; body?: Record<string, unknown> },
  ) {
    super(message);
  }
}

export const unauthorized = () => new ApiError(401, 'unauthorized', 'Sign in first.');
export const denied = (what: string) => new ApiError(403, 'permission_denied', `You may not ${what}.`);
export const notFound = (code: ErrorCode, what: string) => new ApiError(404, code, `${what} was not found.`);
