import { isIP } from 'node:net';
import { createLogging, type Logging } from '../main/core/logging';
import { buildShop, type BuildOptions } from './app';
import { registerSigningKey, RetiredKeyError } from './audit/checkpoint-store';
import {
  DEFAULT_CHECKPOINT_POLICY,
  DEFAULT_CHECKPOINT_POLL_MS,
  startCheckpointer,
  type Checkpointer,
} from './audit/checkpointer';
import { auditKeyFileOf, loadSigningKey, SigningKeyError, type LoadedSigningKey } from './audit/signing-key';
import { refusalAggregator } from './audit/refusal-aggregator';
import { DEFAULT_CONFIG, type ShopConfig, type ShopContext } from './context';
import { openDatabase, type Database } from './db/database';
import { migrate } from './db/migrate';
import { systemClock, type Clock } from './lib/clock';
import { seedDemo } from './seed/demo';
import { seedScale } from './seed/scale';
import { DEMO_STAFF } from './seed/staff';
import { storefrontPlugin } from './storefront/plugin';

export type SeedMode = 'demo' | 'scale' | 'none';

export interface StartOptions {
  host?: string;
  port?: number;
  /** PGlite data directory; ignored when `databaseUrl` is set. */
  dataDir?: string;
  /** A PostgreSQL server instead of PGlite. */
  databaseUrl?: string;
  /** `demo` (default): demo data on first start; `scale`: demo data plus `customers` generated customers; `none`: nothing. */
  seed?: SeedMode;
  customers?: number;
  /** Demo credentials are public; loading them on a non-loopback address needs this. */
  allowDemoOnPublicHost?: boolean;
  /** Request logs on the terminal (stderr); without it the terminal shows only warnings and failures, and only when `logFile` is set. */
  logger?: boolean;
  /** JSON lines of every request and failure (secrets scrubbed), rotated at 10 MB × 5 files. */
  logFile?: string;
  clock?: Clock;
  /** Told about slow start-up steps (scale seeding). */
  onProgress?: (message: string) => void;
  /**
   * Where staff and customers reach the shop when that is not where it listens, e.g.
   * `https://shop.example` behind a reverse proxy terminating TLS: handoff and store URLs use it,
   * and https makes the storefront's cookies `Secure`.
   */
  publicUrl?: string;
  /** Proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client (`--trust-proxy`). */
  trustedProxies?: readonly string[];
  /**
   * The audit signing key's file (default `<dataDir>/audit-signing-key.json`, created 0600). With
   * neither this nor `dataDir` nor `auditSigningKey`, the key lives in memory only (a throwaway shop).
   */
  auditKeyFile?: string;
  /** The signing key's 32-byte seed, base64url (CONCIERGE_AUDIT_SIGNING_KEY); wins over any file. */
  auditSigningKey?: string;
  /** Sign a checkpoint at every seq that is a multiple of this (default 1,000). */
  checkpointEvery?: number;
  /** Sign the head when it moved and the newest checkpoint is this old (default 60,000 ms). */
  checkpointIntervalMs?: number;
  /** How often the checkpointer looks at the log (default 1,000 ms). */
  checkpointPollMs?: number;
}

export interface RunningShop {
  /** Where it listens, e.g. `http://127.0.0.1:4310` */
  url: string;
  /** Where staff and customers reach it: `publicUrl`'s origin, else `url`. */
  publicUrl: string;
  ctx: ShopContext;
  close(): Promise<void>;
}

export class StartError extends Error {
  override name = 'StartError';
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts demo data may be served on by default. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./i.test(bare);
  return false;
}

const originOf = (host: string, port: number) => `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;

/**
 * The origin of a public URL: http or https, no path, query or credentials. The storefront's
 * pages and cookies live at the root, so the shop cannot be served below a path.
 */
export function publicOriginOf(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new StartError(`The public URL "${value}" is not a URL; give one like https://shop.example`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new StartError(`The public URL must be http:// or https://, not ${url.protocol}`);
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) {
    throw new StartError(
      `The public URL must be an origin only (like https://shop.example), not "${value}": the shop is served at the root.`,
    );
  }
  return url.origin;
}

/**
 * Opens the database, migrates it, seeds demo data on first start and serves the shop.
 * Refuses demo data on a non-loopback host unless `allowDemoOnPublicHost` says otherwise: the
 * demo staff passwords and TOTP secrets are in the README.
 */
export async function startShop(options: StartOptions = {}): Promise<RunningShop> {
  const prepared = await prepareShop(options);
  try {
    return await listen(prepared.db, prepared.clock, options.host ?? '127.0.0.1', options, prepared.signingKey);
  } catch (error) {
    await prepared.db.close().catch(() => undefined);
    throw error;
  }
}

/** The database of a shop, migrated and seeded, with the signing key its processes sign with. */
export interface PreparedShop {
  db: Database;
  clock: Clock;
  signingKey: LoadedSigningKey;
}

/**
 * Everything before serving: options checked, database opened, migrated and seeded, signing key
 * loaded (and its file created). `--workers` runs it once in the primary before the workers start.
 */
export async function prepareShop(options: StartOptions = {}): Promise<PreparedShop> {
  const host = options.host ?? '127.0.0.1';
  // A bad public URL fails before the database is opened.
  if (options.publicUrl !== undefined) publicOriginOf(options.publicUrl);
  const seed = options.seed ?? 'demo';
  for (const name of ['checkpointEvery', 'checkpointIntervalMs', 'checkpointPollMs'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= (name === 'checkpointIntervalMs' ? 0 : 1)))
      throw new StartError(
        `${name} must be a whole number${name === 'checkpointIntervalMs' ? '' : ' above 0'}, not ${String(value)}`,
      );
  }
  const guardDemo = !isLoopbackHost(host) && !options.allowDemoOnPublicHost;
  if (guardDemo && seed !== 'none') {
    throw new StartError(
      `Refusing to load demo data on ${host}, which is not a loopback address: the demo credentials are public. Use --seed none, bind to 127.0.0.1, or pass --allow-demo-on-public-host.`,
    );
  }
  const db = await openDatabase({ databaseUrl: options.databaseUrl, dataDir: options.dataDir });
  try {
    await migrate(db);
    const clock = options.clock ?? systemClock;
    // After the database opened: PGlite creates its data folder, where the key file lives by default.
    const signingKey = await signingKeyFor(db, clock, options);
    if (guardDemo && (await hasDemoStaff(db))) {
      throw new StartError(
        `Refusing to serve on ${host}: this database holds the demo staff, whose credentials are public. Bind to 127.0.0.1 or pass --allow-demo-on-public-host.`,
      );
    }
    if (seed !== 'none' && (await staffIsEmpty(db))) {
      options.onProgress?.('Loading demo data…');
      await seedDemo(db, clock);
    }
    if (seed === 'scale') {
      await seedScale(db, {
        ...(options.customers !== undefined ? { customers: options.customers } : {}),
        onProgress: ({ done, total, skipped }) => {
          options.onProgress?.(
            `Scale seed: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} customers${skipped ? ' (already there)' : ''}`,
          );
        },
      });
    }
    return { db, clock, signingKey };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

/** The signing key, its public part listed in the database (retiring the previous key if it is new). */
async function signingKeyFor(db: Database, clock: Clock, options: StartOptions): Promise<LoadedSigningKey> {
  try {
    const loaded = await loadSigningKey({ seed: options.auditSigningKey, file: auditKeyFileOf(options), clock });
    await registerSigningKey(db, loaded.key, loaded.createdAt, clock);
    return loaded;
  } catch (error) {
    if (error instanceof SigningKeyError || error instanceof RetiredKeyError) throw new StartError(error.message);
    throw error;
  }
}

async function listen(
  db: Database,
  clock: Clock,
  host: string,
  options: StartOptions,
  signingKey: LoadedSigningKey,
): Promise<RunningShop> {
  // The origin is known only after listen (port 0 picks one); the context reads it from here.
  const publicUrl = options.publicUrl === undefined ? null : publicOriginOf(options.publicUrl);
  const config: { -readonly [K in keyof ShopConfig]: ShopConfig[K] } = {
    ...DEFAULT_CONFIG,
    publicOrigin: publicUrl ?? originOf(host, options.port ?? 4310),
  };
  const ctx: ShopContext = { db, clock, config, refusals: refusalAggregator({ db, clock }) };
  const extraPlugins: NonNullable<BuildOptions['extraPlugins']> = [
    // The storefront and anything else served beside the API are registered here.
    (app, pluginCtx) => storefrontPlugin(app, pluginCtx),
  ];
  const logging = loggingFor(options);
  const app = await buildShop(ctx, {
    logger: logging?.logger('shop'),
    extraPlugins,
    trustedProxies: options.trustedProxies,
  }).catch(async (error: unknown) => {
    await logging?.close();
    throw error;
  });
  try {
    await app.listen({ host, port: options.port ?? 4310 });
  } catch (error) {
    await app.close();
    await logging?.close();
    if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
      throw new StartError(
        `Port ${options.port ?? 4310} on ${host} is already in use: stop the other process or pick another port (--port).`,
      );
    }
    throw error;
  }
  const address = app.server.address();
  const url = originOf(host, address && typeof address === 'object' ? address.port : (options.port ?? 4310));
  config.publicOrigin = publicUrl ?? url;
  const checkpointer = checkpointerFor(ctx, signingKey, options, logging);
  // A shop that lists its key has signed its head before anyone is told it listens (its first pass).
  await checkpointer.runOnce();
  return {
    url,
    publicUrl: config.publicOrigin,
    ctx,
    close: async () => {
      try {
        await app.close();
        // After the last request's events, before the database goes: signs the head if it moved.
        await checkpointer.stop();
        await db.close();
      } finally {
        // Last, and even when closing the database fails: the file gets every line up to here.
        await logging?.close();
      }
    },
  };
}

function checkpointerFor(
  ctx: ShopContext,
  signingKey: LoadedSigningKey,
  options: StartOptions,
  logging: Logging | null,
): Checkpointer {
  const policy = {
    ...DEFAULT_CHECKPOINT_POLICY,
    ...(options.checkpointEvery !== undefined ? { every: options.checkpointEvery } : {}),
    ...(options.checkpointIntervalMs !== undefined ? { intervalMs: options.checkpointIntervalMs } : {}),
  };
  const log = logging?.logger('shop');
  log?.info({ keyId: signingKey.key.keyId, source: signingKey.source }, 'audit checkpoints signed with this key');
  return startCheckpointer(
    { db: ctx.db, clock: ctx.clock, key: signingKey.key, log },
    policy,
    options.checkpointPollMs ?? DEFAULT_CHECKPOINT_POLL_MS,
  );
}

/** The same redacting loggers as the console (main/core/logging.ts): a file when asked for, the terminal at info with `logger`. */
function loggingFor(options: StartOptions): Logging | null {
  if (!options.logFile && !options.logger) return null;
  return createLogging({ file: options.logFile, terminal: true, terminalLevel: options.logger ? 'info' : 'warn' });
}

async function staffIsEmpty(db: Database): Promise<boolean> {
  return (await db.query('SELECT 1 FROM staff LIMIT 1')).rows.length === 0;
}

async function hasDemoStaff(db: Database): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM staff WHERE id = ANY($1::text[]) LIMIT 1', [
    DEMO_STAFF.map((s) => s.id),
  ]);
  return rows.length > 0;
}
