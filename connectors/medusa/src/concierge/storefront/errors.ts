/** Why an assisted action was refused, as `recordAction(…'refused', {reason})` records it. */
export type Refusal =
  'view_only' | 'sensitive' | 'csrf' | 'invalid_input' | 'not_found' | 'store_error' | 'store_refused';

/**
 * A failure the storefront shows as a page: a status, a title and a message in words, never a
 * stack trace. `refusal` is set when a refused POST is to be audited as such.
 */
export class PageError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    readonly refusal?: Refusal,
  ) {
    super(message);
    this.name = 'PageError';
  }
}

export const pageNotFound = (message: string) => new PageError(404, 'Not found', message, 'not_found');
export const badInput = (message: string) =>
  new PageError(400, 'That did not work', `${message} Nothing was changed.`, 'invalid_input');
