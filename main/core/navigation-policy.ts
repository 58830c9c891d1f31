import type { Store } from '../../shared/api/shop';

/**
 * What a storefront view may do, as pure functions so every rule is table-tested. Deny by
 * default: a URL is allowed only when it parses, is http(s), carries no userinfo, has the exact
 * origin of one of the shop's stores and stays under that store's path prefix.
 */

/** One place a storefront view may go: the parsed origin and path prefix of a store's base URL. */
export interface StoreScope {
  readonly origin: string;
  /** Always ends with `/`. */
  readonly pathPrefix: string;
}

export interface NavigationPolicy {
  readonly scopes: readonly StoreScope[];
  /** Exact URLs allowed besides the store scopes (origin + path), e.g. the session's handoff URL. */
  readonly extraUrls: readonly string[];
}

export type FrameKind = 'main' | 'sub';
export type PopupDecision = 'same-view' | 'deny';
/** The decision space; the policy itself never grants. */
export type PermissionDecision = 'grant' | 'deny';
/** The decision space; the policy itself always asks. */
export type DownloadDecision = 'ask' | 'refuse';

function parseHttp(raw: string): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '') return null;
  return url;
}

/** A store's base URL as a scope; null when it is not a usable http(s) URL. */
export function scopeOf(baseUrl: string): StoreScope | null {
  const url = parseHttp(baseUrl);
  if (!url) return null;
  const pathPrefix = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return { origin: url.origin, pathPrefix };
}

export function policyFor(
  stores: readonly Pick<Store, 'baseUrl'>[],
  extraUrls: readonly string[] = [],
): NavigationPolicy {
  const scopes = stores.map((s) => scopeOf(s.baseUrl)).filter((s): s is StoreScope => s !== null);
  return { scopes, extraUrls };
}

/**
 * Encoded separators and dots never appear in the shop's own links; a server that decodes them
 * before routing could be walked out of the store prefix, so they are refused outright.
 */
const ENCODED_ESCAPES = /%2f|%5c|%2e/i;

function withinScope(url: URL, scope: StoreScope): boolean {
  if (url.origin !== scope.origin) return false;
  if (ENCODED_ESCAPES.test(url.pathname)) return false;
  // The URL parser has already resolved `.` and `..` segments, so a prefix test is sound.
  return url.pathname.startsWith(scope.pathPrefix) || `${url.pathname}/` === scope.pathPrefix;
}

function isExtra(url: URL, policy: NavigationPolicy): boolean {
  return policy.extraUrls.some((raw) => {
    const extra = parseHttp(raw);
    return extra !== null && extra.origin === url.origin && extra.pathname === url.pathname;
  });
}

/** May a storefront view's main frame (or a sub frame) load this URL? */
export function isNavigationAllowed(raw: string, policy: NavigationPolicy, frame: FrameKind = 'main'): boolean {
  // Sub frames start life as about:blank/about:srcdoc, which inherit their parent's origin.
  if (frame === 'sub' && (raw === 'about:blank' || raw === 'about:srcdoc')) return true;
  const url = parseHttp(raw);
  if (!url) return false;
  return isExtra(url, policy) || policy.scopes.some((scope) => withinScope(url, scope));
}

/**
 * May the page fetch this subresource (script, style, image, XHR)? Same origins as the stores,
 * any path: storefronts serve assets beside the store prefix. Nothing third-party.
 */
export function isSubresourceAllowed(raw: string, policy: NavigationPolicy): boolean {
  if (raw.startsWith('data:') || raw.startsWith('blob:')) return true;
  const url = parseHttp(raw);
  if (!url) return false;
  return policy.scopes.some((scope) => scope.origin === url.origin);
}

/** A page asking for a new window: shown in the same view when it may go there, else refused. */
export function popupDecision(raw: string, policy: NavigationPolicy): PopupDecision {
  return isNavigationAllowed(raw, policy, 'main') ? 'same-view' : 'deny';
}

/** Every permission (camera, notifications, geolocation, clipboard …) is refused in a storefront view. */
export function permissionDecision(_permission: string): PermissionDecision {
  return 'deny';
}

/** Downloads always ask the agent where to save; nothing lands on disk silently. */
export function downloadDecision(_url: string): DownloadDecision {
  return 'ask';
}
