/**
 * A failure the storefront shows as a page: a clear status, title and message, never a stack
 * trace. `refusal` marks refusals of an assisted session (mode or policy), which are audited as
 * such rather than as bad input.
 */
export class PageError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    readonly options: {
      refusal?: 'view_mode' | 'not_allowed_while_assisted' | 'csrf' | 'invalid_input' | 'not_found' | 'wrong_store';
      clearAssistCookie?: boolean;
    } = {},
  ) {
    super(message);
    this.name = 'PageError';
  }
}

export const badInput = (message: string) =>
  new PageError(400, 'That did not work', message, { refusal: 'invalid_input' });
export const pageNotFound = (message: string) => new PageError(404, 'Not found', message, { refusal: 'not_found' });
