/**
 * Runs the shop:
 *   npm run shop -- [--host 127.0.0.1] [--port 4310] [--data-dir .data/shop] [--seed demo|scale|none]
 *                   [--customers 1000000] [--allow-demo-on-public-host] [--log] [--log-file <path>]
 *                   [--public-url https://shop.example] [--audit-key-file <path>] [--rotate-audit-key]
 *                   [--workers N]
 * DATABASE_URL set → PostgreSQL instead of PGlite; CONCIERGE_AUDIT_SIGNING_KEY → that signing key.
 */
import cluster from 'node:cluster';
import { mkdir } from 'node:fs/promises';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { keyFingerprint } from '../shared/audit/checkpoint';
import {
  AUDIT_KEY_ENV,
  auditKeyFileOf,
  rotateSigningKeyFile,
  SigningKeyError,
  type Rotation,
} from './audit/signing-key';
import { systemClock } from './lib/clock';
import { installMemoryProbe } from './lib/memory-probe';
import { publicOriginOf, startShop, StartError, type SeedMode, type StartOptions } from './main';
import { runPrimary, runWorker, stopOnSignals, storesOf, type ShopStore } from './cluster';
import { DEMO_STAFF, DEMO_STAFF_PASSWORD } from './seed/staff';

export const USAGE = `usage: npm run shop -- [options]
  --host <address>              listen address (default 127.0.0.1)
  --port <n>                    port (default 4310; 0 picks a free one)
  --data-dir <dir>              PGlite data directory, and the audit signing key's folder (default .data/shop;
                                with DATABASE_URL it holds only the key)
  --seed demo|scale|none        demo data on first start (default demo); scale adds --customers generated customers
  --customers <n>               customers for --seed scale (default 1000000)
  --allow-demo-on-public-host   allow demo data on a non-loopback address (its credentials are public)
  --log                         log requests on the terminal
  --log-file <path>             also write every request and failure to this file (JSON lines, no secrets; rotated at 10 MB × 5)
  --public-url <url>            where staff and customers reach the shop, e.g. https://shop.example behind a TLS proxy:
                                handoff and store URLs use it; https makes cookies Secure (shop/README.md, "Behind TLS")
  --audit-key-file <path>       the audit checkpoint signing key (default <data-dir>/audit-signing-key.json,
                                created 0600 on first start; every process sharing one database needs the same file)
  --rotate-audit-key            write a new signing key to that file (the old one kept as
                                audit-signing-key.<keyId>.retired.json) and exit; the next start signs with it
  --workers <n>                 serve from n processes sharing the port (node:cluster; default 1); needs
                                DATABASE_URL: PGlite lives inside one process (shop/README.md, "Several processes");
                                with --log-file, worker n logs to <file>.worker-n.log and the primary (restarts) to <file>
  --trust-proxy <list>          comma-separated addresses or CIDR ranges of load balancers/proxies whose
                                X-Forwarded-For names the client (per-address limits then count clients)
  --quiet                       one line when ready instead of the sign-in banner (npm start prints its own)
  -h, --help                    show this help
environment: DATABASE_URL=postgres://… uses PostgreSQL instead of PGlite
             ${AUDIT_KEY_ENV}=<base64url 32-byte seed> signs with this key (no key file)`;

export type CliOptions = StartOptions & { help: boolean; quiet: boolean; rotateAuditKey: boolean; workers: number };

export class UsageError extends Error {
  override name = 'UsageError';
}

const SEEDS: readonly SeedMode[] = ['demo', 'scale', 'none'];
const MAX_WORKERS = 64;

function wholeNumber(flag: string, value: string, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) > max)
    throw new UsageError(`${flag} must be a whole number from 0 to ${max}, not "${value}"`);
  return Number(value);
}

/** Turns argv into start options; bad flags are a UsageError with a message worth printing. */
export function parseCli(args: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        seed: { type: 'string' },
        customers: { type: 'string' },
        'allow-demo-on-public-host': { type: 'boolean' },
        log: { type: 'boolean' },
        'log-file': { type: 'string' },
        'public-url': { type: 'string' },
        'audit-key-file': { type: 'string' },
        'rotate-audit-key': { type: 'boolean' },
        workers: { type: 'string' },
        'trust-proxy': { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const v = parsed.values;
  const seed = v.seed ?? 'demo';
  if (!SEEDS.includes(seed as SeedMode))
    throw new UsageError(`--seed must be one of ${SEEDS.join(', ')}, not "${seed}"`);
  if (v.customers !== undefined && seed !== 'scale') throw new UsageError('--customers only applies with --seed scale');
  if (v['audit-key-file'] === '') throw new UsageError('--audit-key-file needs a path');
  const rotateAuditKey = v['rotate-audit-key'] ?? false;
  if (rotateAuditKey && env[AUDIT_KEY_ENV])
    throw new UsageError(
      `--rotate-audit-key rotates the key file, but ${AUDIT_KEY_ENV} is set: give that variable a new seed instead`,
    );
  const workers = v.workers === undefined ? 1 : wholeNumber('--workers', v.workers, MAX_WORKERS);
  if (workers < 1) throw new UsageError('--workers must be at least 1');
  if (workers > 1 && !env.DATABASE_URL)
    throw new UsageError(
      `--workers ${String(workers)} needs PostgreSQL (DATABASE_URL): PGlite lives inside one process, so no other process can open its database. Run one process, or set DATABASE_URL.`,
    );
  return {
    help: v.help ?? false,
    quiet: v.quiet ?? false,
    rotateAuditKey,
    workers,
    host: v.host ?? '127.0.0.1',
    port: v.port === undefined ? 4310 : wholeNumber('--port', v.port, 65_535),
    dataDir: v['data-dir'] ?? '.data/shop',
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    seed: seed as SeedMode,
    ...(v.customers !== undefined ? { customers: wholeNumber('--customers', v.customers, 50_000_000) } : {}),
    allowDemoOnPublicHost: v['allow-demo-on-public-host'] ?? false,
    logger: v.log ?? false,
    ...(v['log-file'] !== undefined ? { logFile: v['log-file'] } : {}),
    ...(v['public-url'] !== undefined ? { publicUrl: publicUrlFlag(v['public-url']) } : {}),
    ...(v['audit-key-file'] !== undefined ? { auditKeyFile: v['audit-key-file'] } : {}),
    ...(v['trust-proxy'] !== undefined ? { trustedProxies: trustedProxiesFlag(v['trust-proxy']) } : {}),
    ...(env[AUDIT_KEY_ENV] ? { auditSigningKey: env[AUDIT_KEY_ENV] } : {}),
  };
}

/** `--rotate-audit-key`: a new key in the key file, the old one kept beside it; what to tell the operator. */
export async function rotateAuditKey(options: StartOptions): Promise<string> {
  const file = auditKeyFileOf(options);
  if (file === null) throw new UsageError('--rotate-audit-key needs --audit-key-file or --data-dir');
  let rotation: Rotation;
  try {
    rotation = await rotateSigningKeyFile(file, systemClock);
  } catch (error) {
    if (error instanceof SigningKeyError) throw new StartError(error.message);
    throw error;
  }
  return [
    `New audit signing key ${keyFingerprint(rotation.newKeyId)} in ${rotation.file}.`,
    rotation.retired
      ? `The old key ${keyFingerprint(rotation.retired.keyId)} is kept as ${rotation.retired.file}; its checkpoints stay valid.`
      : 'There was no key before.',
    'Restart the shop (every process sharing its database, each with this file) to sign with the new key;',
    'the first start with it retires the old one (GET /api/v1/audit/keys lists both).',
  ].join('\n');
}

/** `10.0.0.1,10.0.1.0/24` → its entries, each an IP address or an address/prefix. */
function trustedProxiesFlag(value: string): string[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const bad = entries.find((entry) => {
    const [address = '', prefix, ...rest] = entry.split('/');
    const version = isIP(address);
    const max = version === 6 ? 128 : 32;
    return (
      version === 0 || rest.length > 0 || (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= max))
    );
  });
  if (entries.length === 0 || bad !== undefined)
    throw new UsageError(
      `--trust-proxy takes IP addresses or CIDR ranges, like 10.0.0.5,10.0.1.0/24; not "${bad ?? value}"`,
    );
  return entries;
}

function publicUrlFlag(value: string): string {
  try {
    return publicOriginOf(value);
  } catch (error) {
    throw new UsageError(`--public-url: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** What the operator needs after start: where it listens, the stores, how to sign in. */
export function banner(
  url: string,
  stores: readonly ShopStore[],
  options: StartOptions & { workers?: number },
): string {
  const lines = [`Concierge shop listening on ${url}`];
  // Behind a TLS proxy, staff and customers use the public URL, not the listening address.
  const reach = options.publicUrl ?? url;
  if (options.publicUrl) lines.push(`  Public:   ${options.publicUrl}`);
  lines.push(`  API:      ${reach}/api/v1  (OpenAPI: ${reach}/api/v1/openapi.json)`);
  for (const s of stores) lines.push(`  Store:    ${s.name.padEnd(20)} ${s.baseUrl}`);
  lines.push(
    `  Database: ${options.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${options.dataDir ?? '.data/shop'}`}`,
  );
  if ((options.workers ?? 1) > 1) lines.push(`  Workers:  ${String(options.workers)} processes sharing the port`);
  if (options.seed !== 'none') {
    lines.push('', `Sign in to the console with a demo staff member (password ${DEMO_STAFF_PASSWORD}):`);
    for (const s of DEMO_STAFF) lines.push(`  ${s.email.padEnd(22)} ${s.role}`);
    lines.push('  A current TOTP code: npm run totp -- agent@demo.test');
  }
  lines.push('', 'Ctrl+C stops the shop.');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = parseCli(process.argv.slice(2), process.env);
  if (options.help) {
    console.log(USAGE);
    return;
  }
  if (options.rotateAuditKey) {
    console.log(await rotateAuditKey(options));
    return;
  }
  // Benchmarks only (CONCIERGE_MEMORY_PROBE=1): SIGUSR2 prints this process's memory after a GC.
  installMemoryProbe();
  if (cluster.isWorker) {
    await runWorker(options);
    return;
  }
  if (!options.databaseUrl && options.dataDir) await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const onProgress = (message: string) => {
    console.log(message);
  };
  if (options.workers > 1) {
    await runPrimary(options, {
      onProgress,
      printReady: (url, stores) => {
        printReady(url, stores, options);
      },
    });
    return;
  }
  const shop = await startShop({ ...options, onProgress });
  printReady(shop.url, await storesOf(shop.ctx.db, shop.publicUrl), options);
  stopOnSignals(() => shop.close(), 'the shop');
}

function printReady(url: string, stores: readonly ShopStore[], options: CliOptions): void {
  console.log(options.quiet ? `Concierge shop listening on ${url}` : banner(url, stores, options));
}

// Run only as the entry point (a worker's too), so tests can import parseCli and banner.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    if (error instanceof UsageError) console.error(`${error.message}\n\n${USAGE}`);
    else if (error instanceof StartError) console.error(error.message);
    else console.error('The shop failed to start:', error instanceof Error ? error.message : error);
    process.exit(error instanceof UsageError ? 2 : 1);
  });
}
