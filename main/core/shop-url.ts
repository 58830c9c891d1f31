/** The shop the console connects to: `--shop-url=<url>`, else CONCIERGE_SHOP_URL, else the embedded demo shop. */
export const DEFAULT_SHOP_URL = 'http://127.0.0.1:4310';

export function shopUrlFrom(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const flag = argv.find((a) => a.startsWith('--shop-url='))?.slice('--shop-url='.length);
  const candidate = flag ?? env.CONCIERGE_SHOP_URL ?? DEFAULT_SHOP_URL;
  const url = new URL(candidate);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`The shop URL must be http(s): ${candidate}`);
  return url.origin;
}
