import { createHash } from 'node:crypto';
import { safeEqual } from '../lib/ids';

/**
 * The form token of a browser: derived from the secret of the cookie that identifies it (the
 * assisted-session, customer-session or pre-session cookie). The cookie is HttpOnly, so a page
 * on another site can neither read the secret nor compute the token.
 */
export function csrfTokenFor(cookieSecret: string): string {
  return createHash('sha256').update(`concierge-storefront-csrf\0${cookieSecret}`, 'utf8').digest('base64url');
}

export function csrfTokenMatches(cookieSecret: string | null, submitted: unknown): boolean {
  if (!cookieSecret || typeof submitted !== 'string' || submitted.length === 0 || submitted.length > 100) return false;
  return safeEqual(csrfTokenFor(cookieSecret), submitted);
}
