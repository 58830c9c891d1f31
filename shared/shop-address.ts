/**
 * A shop's address: its origin and the path its Assistance API lives under. The reference shop
 * serves `/api/v1` at its root (`http://127.0.0.1:4310`); a platform plugin may serve it below a
 * prefix (`https://medusa.example/concierge`). Query, fragment and trailing slashes are dropped,
 * so one shop has one address (the keychain and the audit copy are keyed by it).
 */
export function shopBaseOf(shopUrl: string): string {
  const url = new URL(shopUrl);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Where the Assistance API's routes start: `<shop base>/api/v1/`. */
export function apiBaseOf(shopUrl: string): string {
  return `${shopBaseOf(shopUrl)}/api/v1/`;
}
