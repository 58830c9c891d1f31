import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { shopBaseOf } from '../shared/shop-address';

/** What `npm start -- …` was asked for, with the defaults a newcomer gets. */
export interface LaunchOptions {
  /** The browser tier even where Electron is installed. */
  browser: boolean;
  /** The browser tier's port. */
  port: number;
  /** A shop to use instead of the demo shop. */
  shopUrl: string | null;
  /** The demo shop's port (loopback only). */
  shopPort: number;
  /** Everything `npm start` keeps: shop/, console/, logs/. */
  dataDir: string;
  help: boolean;
}

export const LAUNCH_USAGE = `usage: npm start -- [options]
  --browser            the console in the browser tier even where Electron is installed
  --port <n>           the browser tier's port (default 4320)
  --shop-url <url>     use this shop instead of starting the demo shop
  --shop-port <n>      the demo shop's port (default 4310)
  --data-dir <dir>     where data and logs live (default .data in the project; env CONCIERGE_DATA_DIR)
  -h, --help           this help`;

function portOf(flag: string, value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new Error(`${flag} must be a port number, not "${value}"`);
  return port;
}

export function parseLaunchOptions(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  projectRoot: string,
): LaunchOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      browser: { type: 'boolean', default: false },
      port: { type: 'string', default: '4320' },
      'shop-url': { type: 'string' },
      'shop-port': { type: 'string', default: '4310' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const shopUrl = values['shop-url'] ?? null;
  if (shopUrl !== null) {
    const url = new URL(shopUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error(`--shop-url must be an http(s) address, not "${shopUrl}"`);
  }
  return {
    browser: values.browser,
    port: portOf('--port', values.port),
    shopUrl: shopUrl === null ? null : shopBaseOf(shopUrl),
    shopPort: portOf('--shop-port', values['shop-port']),
    dataDir: resolve(values['data-dir'] ?? env.CONCIERGE_DATA_DIR ?? join(projectRoot, '.data')),
    help: values.help,
  };
}
