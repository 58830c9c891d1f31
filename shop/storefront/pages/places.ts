/** The page an assisted request opened, in words for the customer's history: never the raw path. */

const FIXED_PLACES: Readonly<Record<string, string>> = {
  '': 'the store’s home page',
  '/': 'the store’s home page',
  '/cart': 'the cart',
  '/checkout': 'the checkout',
  '/search': 'the search page',
  '/signin': 'the sign-in page',
  '/signout': 'the sign-out button',
  '/register': 'the registration page',
  '/account': 'your profile',
  '/account/profile': 'your profile',
  '/account/addresses': 'your addresses',
  '/account/addresses/remove': 'your addresses',
  '/account/orders': 'your orders',
  '/account/notifications': 'your notifications',
  '/account/security': 'your password and email',
  '/account/password': 'your password',
  '/account/email': 'your email address',
  '/account/payment-methods': 'your payment methods',
  '/account/payment-methods/remove': 'your payment methods',
  '/account/assistance': 'your assistance settings',
  '/account/assistance/code': 'your one-time codes',
  '/account/assistance/end': 'your assistance settings',
  '/account/delete': 'the account deletion page',
};

const DOCUMENT_KINDS: readonly [RegExp, string][] = [
  [/^O-/, 'order'],
  [/^I-/, 'invoice'],
  [/^S-/, 'shipment'],
  [/^CM-/, 'credit memo'],
];

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function documentInWords(number: string): string {
  const kind = DOCUMENT_KINDS.find(([prefix]) => prefix.test(number))?.[1] ?? 'document';
  return `your ${kind} ${number}`;
}

/** Pages with a name or number in their address (`/product/earl-grey`, `/account/orders/O-1`). */
function namedPlace(path: string, title: string | null): string | null {
  const [, section = '', rest = ''] = /^\/([^/]+(?:\/[^/]+)?)\/([^/]+)$/.exec(path) ?? [];
  const name = decoded(rest);
  switch (section) {
    case 'product':
      return `the product page “${title ?? name}”`;
    case 'category':
      return `the category “${title ?? name}”`;
    case 'account/orders':
      return `your order ${name}`;
    case 'account/documents':
      return documentInWords(name);
    case 'checkout/done':
      return `the confirmation of order ${name}`;
    default:
      return null;
  }
}

/**
 * `/store/us/account/orders/O-10000012` → "your order O-10000012", `/store/us/cart` → "the cart";
 * a page the store does not know is "a page that does not exist".
 */
export function placeInWords(requested: string | null, title: string | null = null): string {
  if (requested === null) return 'a page of the store';
  const [pathname = '', query = ''] = requested.replace(/^\/store\/[^/?]+/, '').split('?');
  const path = pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname;
  if (path === '/search') {
    const q = new URLSearchParams(query).get('q');
    return q ? `the search for “${q}”` : 'the search page';
  }
  return FIXED_PLACES[path] ?? namedPlace(path, title) ?? 'a page that does not exist';
}
