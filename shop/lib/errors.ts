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
/** A staff member lacks a permission: a 403 that names them, so the API records it as access.denied. */
export class PermissionDenied extends ApiError {
  constructor(
    readonly staff: { id: string; name: string },
    readonly reason: string,
    message: string,
  ) {
    super(403, 'permission_denied', message);
    this.name = 'PermissionDenied';
  }
}

export const forbidden = (staff: { id: string; name: string }, reason: string, message: string) =>
  new PermissionDenied(staff, reason, message);
export const unauthorized = (message = 'Sign in first.', code: ErrorCode = 'unauthorized') =>
  new ApiError(401, code, message);
