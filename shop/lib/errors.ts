import type { ErrorCode } from '../../shared/api/common';

/** An error the API reports as `{error: {code, message}}` with this HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly fields?: { path: string; message: string }[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (code: ErrorCode, message: string) => new ApiError(404, code, message);
export const forbidden = (message: string) => new ApiError(403, 'permission_denied', message);
export const unauthorized = (message = 'Sign in first.', code: ErrorCode = 'unauthorized') => new ApiError(401, code, message);
