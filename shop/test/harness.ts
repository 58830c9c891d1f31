import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';
import { buildShop, type BuildOptions, type ShopApp } from '../app';
import { refusalAggregator } from '../audit/refusal-aggregator';
import { DEFAULT_CONFIG, type ShopConfig, type ShopContext } from '../context';
import { openPglite, openPostgres, type Database } from '../db/database';
import { migrate } from '../db/migrate';
import { migratedPgliteDump } from './pglite-template';
import { manualClock, offsetClock } from '../lib/clock';

export type Backend = 'pglite' | 'postgres';

const POSTGRES_URL = process.env.TEST_DATABASE_URL;

/**
 * The backends a shop suite runs on: PGlite always, PostgreSQL when TEST_DATABASE_URL is set.
 * CI must have PostgreSQL; locally the PostgreSQL half skips with the reason printed once.
 */
export function backends(): Backend[] {
  if (POSTGRES_URL) return ['pglite', 'postgres'];
  if (process.env.CI) throw new Error('CI must set TEST_DATABASE_URL so the shop suite runs against PostgreSQL too.');
  if (!warned) {
    warned = true;
    console.warn('[shop tests] PostgreSQL half skipped: TEST_DATABASE_URL is not set (CI sets it; see .ci/run).');
  }
  return ['pglite'];
}
let warned = false;

/** `describe` once per backend, titled with the backend's name. */
export function describeBackends(title: string, suite: (backend: Backend) => void): void {
  for (const backend of backends())
    describe(`${title} [${backend}]`, () => {
      suite(backend);
    });
}

/**
 * `describe` once, against a PGlite shop (the demo shop `npm start` runs), for a console suite whose
 * subject is the console's own behaviour: the shop answers alike on both backends, which the shop's
 * suites prove (describeBackends), so running such a suite on both only doubled its time.
 */
export function describeAgainstOneShop(title: string, suite: (backend: Backend) => void): void {
  describe(`${title} [pglite]`, () => {
    suite('pglite');
  });
}

/** A fresh, empty, migrated database: in-memory PGlite, or a new database on the PostgreSQL server. */
export async function freshDatabase(backend: Backend): Promise<Database> {
  if (backend === 'pglite') {
    const db = await openPglite(undefined, { loadDataDir: await migratedPgliteDump() });
    await migrate(db);
    return db;
  }
  if (!POSTGRES_URL) throw new Error('TEST_DATABASE_URL is not set');
  const database = await newPostgresDatabase(POSTGRES_URL, 'concierge_test');
  const db = await openPostgres(database.url, { max: 4 });
  await migrate(db);
  return {
    ...db,
    close: async () => {
      await db.close();
      await database.drop();
    },
  };
}

/** A new, empty database on the PostgreSQL server at `server`, named `<prefix>_<random>`. */
export async function newPostgresDatabase(
  server: string,
  prefix: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: server });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

export interface TestShop {
  app: ShopApp;
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  ctx: ShopContext;
  clock: ReturnType<typeof offsetClock>;
  close(): Promise<void>;
}

/**
 * A real shop on a real loopback port over a real database. `seed` fills it (e.g. the demo
 * data); `config` overrides defaults such as the auth rate limit.
 */
export async function startTestShop(
  backend: Backend,
  options: {
    seed?: (db: Database) => Promise<void>;
    config?: Partial<ShopConfig>;
    build?: BuildOptions;
    stillClock?: boolean;
  } = {},
): Promise<TestShop> {
  const db = await freshDatabase(backend);
  if (options.seed) await options.seed(db);
  // `stillClock`: time moves only when the test moves it, so waits it measures are exact.
  const clock = options.stillClock ? manualClock() : offsetClock();
  // The origin is only known after listen; the context reads it through this holder.
  const config: { -readonly [K in keyof ShopConfig]: ShopConfig[K] } = {
    ...DEFAULT_CONFIG,
    authRateLimitPerMinute: 10_000,
    publicOrigin: 'http://127.0.0.1',
    ...options.config,
  };
  const ctx: ShopContext = { db, clock, config, refusals: refusalAggregator({ db, clock }) };
  const app = await buildShop(ctx, options.build);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  config.publicOrigin = address;
  return {
    app,
    url: address,
    ctx,
    clock,
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}
