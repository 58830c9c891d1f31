import { describe, expect, it } from 'vitest';
import { csrfTokenFor, csrfTokenMatches } from './csrf';
import { assistedMayView, decideAssistedAction, needsSignIn } from './policy';

describe('assisted-session policy', () => {
  it('lets act mode shop and refuses everything else', () => {
    expect(decideAssistedAction('act', 'shopping')).toEqual({ allowed: true });
    expect(decideAssistedAction('act', 'customer_only')).toEqual({
      allowed: false,
      reason: 'not_allowed_while_assisted',
    });
    expect(decideAssistedAction('act', 'guest')).toEqual({ allowed: false, reason: 'not_allowed_while_assisted' });
  });

  it('refuses every change in view mode, naming the customer-only ones as such', () => {
    expect(decideAssistedAction('view', 'shopping')).toEqual({ allowed: false, reason: 'view_mode' });
    expect(decideAssistedAction('view', 'customer_only')).toEqual({
      allowed: false,
      reason: 'not_allowed_while_assisted',
    });
  });

  it('opens only public and account pages to an assisted session', () => {
    expect(['public', 'guest', 'account', 'customer_only'].filter((s) => assistedMayView(s as 'public'))).toEqual([
      'public',
      'account',
    ]);
    expect(needsSignIn('public')).toBe(false);
    expect(needsSignIn('guest')).toBe(false);
    expect(needsSignIn('shopping')).toBe(true);
  });
});

describe('CSRF tokens', () => {
  it('match only the cookie secret they were made from', () => {
    const token = csrfTokenFor('secret-a');
    expect(csrfTokenMatches('secret-a', token)).toBe(true);
    expect(csrfTokenMatches('secret-b', token)).toBe(false);
    expect(csrfTokenMatches(null, token)).toBe(false);
    expect(csrfTokenMatches('secret-a', undefined)).toBe(false);
    expect(csrfTokenMatches('secret-a', [token])).toBe(false);
  });
});
