import { shopBaseOf } from '../../shared/shop-address';

/** The shop the console connects to by default: the embedded demo shop. */
export const DEFAULT_SHOP_URL = 'http://127.0.0.1:4310';

/**
 * The shops this console may sign in to, as addresses (origin and API prefix), the first one preselected: every
 * `--shop-url=<url>` given, else CONCIERGE_SHOP_URL (several separated by commas), else the demo
 * shop. Sign-in sends the password only to one of these, never to an address the page names.
 */
export function shopUrlsFrom(argv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const flags = argv.filter((a) => a.startsWith('--shop-url=')).map((a) => a.slice('--shop-url='.length));
  const fromEnv = (env.CONCIERGE_SHOP_URL ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const candidates = flags.length > 0 ? flags : fromEnv.length > 0 ? fromEnv : [DEFAULT_SHOP_URL];
  return [...new Set(candidates.map(checkedShopBase))];
}

function checkedShopBase(candidate: string): string {
  const url = new URL(candidate);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`The shop URL must be http(s): ${candidate}`);
  return shopBaseOf(candidate);
}
