import { describe, expect, it } from 'vitest';
import {
  downloadDecision,
  isNavigationAllowed,
  isSubresourceAllowed,
  permissionDecision,
  policyFor,
  popupDecision,
  scopeOf,
} from './navigation-policy';

const policy = policyFor(
  [{ baseUrl: 'http://127.0.0.1:4310/store/us' }, { baseUrl: 'http://127.0.0.1:4310/store/eu/' }],
  ['http://127.0.0.1:4310/assist/enter?code=abc'],
);

describe('scopeOf', () => {
  it('normalises the prefix to end with a slash and keeps the exact origin', () => {
    expect(scopeOf('http://127.0.0.1:4310/store/us')).toEqual({
      origin: 'http://127.0.0.1:4310',
      pathPrefix: '/store/us/',
    });
    expect(scopeOf('HTTP://LOCALHOST:80/Shop/')).toEqual({ origin: 'http://localhost', pathPrefix: '/Shop/' });
  });
  it('refuses non-http base URLs and userinfo', () => {
    expect(scopeOf('file:///etc/')).toBeNull();
    expect(scopeOf('http://a:b@127.0.0.1/')).toBeNull();
    expect(scopeOf('not a url')).toBeNull();
  });
});

describe('isNavigationAllowed (main frame)', () => {
  const cases: [string, boolean][] = [
    ['http://127.0.0.1:4310/store/us/', true],
    ['http://127.0.0.1:4310/store/us', true],
    ['http://127.0.0.1:4310/store/us/account/orders?page=2#top', true],
    ['http://127.0.0.1:4310/store/eu/cart', true],
    ['http://127.0.0.1:4310/assist/enter?code=other', true],
    // outside every store prefix
    ['http://127.0.0.1:4310/', false],
    ['http://127.0.0.1:4310/store/usa', false],
    ['http://127.0.0.1:4310/store/us-evil/', false],
    ['http://127.0.0.1:4310/api/v1/me', false],
    ['http://127.0.0.1:4310/assist/enter2', false],
    // path traversal out of the prefix, plain and encoded
    ['http://127.0.0.1:4310/store/us/../../api/v1/me', false],
    ['http://127.0.0.1:4310/store/us/%2e%2e/%2E%2E/admin', false],
    ['http://127.0.0.1:4310/store/us/..%2f..%2fadmin', false],
    ['http://127.0.0.1:4310/store/us/..%5c..%5cadmin', false],
    ['http://127.0.0.1:4310/store/us\\..\\..\\admin', false],
    // case and percent-encoding of the prefix itself
    ['http://127.0.0.1:4310/STORE/US/', false],
    ['http://127.0.0.1:4310/store/%75s/', false],
    // look-alike hosts, other ports, schemes
    ['http://127.0.0.1.evil.test:4310/store/us/', false],
    ['http://127.0.0.2:4310/store/us/', false],
    ['http://localhost:4310/store/us/', false],
    ['http://127.0.0.1:4311/store/us/', false],
    ['http://127.0.0.1/store/us/', false],
    ['https://127.0.0.1:4310/store/us/', false],
    ['http://127.0.0.1:4310@evil.test/store/us/', false],
    ['http://user:pw@127.0.0.1:4310/store/us/', false],
    ['http://user@127.0.0.1:4310/store/us/', false],
    ['javascript:alert(1)', false],
    ['JAVASCRIPT:alert(1)', false],
    ['file:///etc/passwd', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['blob:http://127.0.0.1:4310/0b3f6a1e-1111-2222-3333-444455556666', false],
    ['about:blank', false],
    ['about:srcdoc', false],
    ['chrome://settings', false],
    ['ws://127.0.0.1:4310/store/us/', false],
    ['', false],
    ['/store/us/', false],
  ];
  it.each(cases)('%s → %s', (url, allowed) => {
    expect(isNavigationAllowed(url, policy)).toBe(allowed);
  });
});

describe('isNavigationAllowed (sub frame)', () => {
  it.each([
    ['about:blank', true],
    ['about:srcdoc', true],
    ['http://127.0.0.1:4310/store/us/frame', true],
    ['https://evil.test/', false],
    ['javascript:alert(1)', false],
  ] as [string, boolean][])('%s → %s', (url, allowed) => {
    expect(isNavigationAllowed(url, policy, 'sub')).toBe(allowed);
  });
});

describe('isSubresourceAllowed', () => {
  it.each([
    ['http://127.0.0.1:4310/static/app.css', true],
    ['http://127.0.0.1:4310/store/us/img.png', true],
    ['data:image/png;base64,AAAA', true],
    ['https://cdn.evil.test/tracker.js', false],
    ['http://127.0.0.1:4311/x.js', false],
    ['http://127.0.0.1.evil.test:4310/x.js', false],
    ['file:///etc/passwd', false],
  ] as [string, boolean][])('%s → %s', (url, allowed) => {
    expect(isSubresourceAllowed(url, policy)).toBe(allowed);
  });
});

describe('pop-ups, permissions, downloads', () => {
  it.each([
    ['http://127.0.0.1:4310/store/us/help', 'same-view'],
    ['https://evil.test/', 'deny'],
    ['about:blank', 'deny'],
    ['javascript:void(0)', 'deny'],
  ] as const)('pop-up %s → %s', (url, decision) => {
    expect(popupDecision(url, policy)).toBe(decision);
  });
  it.each([
    'media',
    'geolocation',
    'notifications',
    'clipboard-read',
    'clipboard-sanitized-write',
    'midi',
    'fullscreen',
    'openExternal',
    'unknown',
  ])('permission %s is refused', (permission) => {
    expect(permissionDecision(permission)).toBe('deny');
  });
  it('downloads ask where to save', () => {
    expect(downloadDecision('http://127.0.0.1:4310/store/us/invoice.pdf')).toBe('ask');
  });
  it('a policy without stores allows nothing', () => {
    const empty = policyFor([]);
    expect(isNavigationAllowed('http://127.0.0.1:4310/store/us/', empty)).toBe(false);
    expect(isSubresourceAllowed('http://127.0.0.1:4310/x.css', empty)).toBe(false);
  });
});
