import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/**
 * The Medusa connector as its README runs it (`medusa db:migrate`, the seed with `medusa exec`,
 * `medusa start`), for tests and the screenshots: a database migrated and seeded once per change
 * of the connector's migrations or seed (a PostgreSQL template), then one copy per server.
 */
export const CONNECTOR_DIR = fileURLToPath(new URL('./medusa/', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const MEDUSA_BIN = join(CONNECTOR_DIR, 'node_modules', '.bin', 'medusa');

/** Why the connector cannot run here, or null when it can. */
export function connectorUnavailable(): string | null {
  if (!existsSync(MEDUSA_BIN)) return 'the Medusa connector is not installed (npm run medusa:install)';
  if (!process.env.TEST_DATABASE_URL) return 'TEST_DATABASE_URL is not set (CI sets it; see .ci/run)';
  return null;
}

interface Template {
  name: string;
  staffFile: string;
  env: Record<string, string>;
}

/** A database's URL on the test server. */
export const databaseUrl = (server: string, name: string) => {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
};

async function admin<T>(server: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** What the template depends on: the connector's migrations and seed; a change makes a new one. */
async function templateName(): Promise<string> {
  const hash = createHash('sha256');
  const migrations = join(CONNECTOR_DIR, 'src/modules/concierge/migrations');
  for (const file of (await readdir(migrations)).sort()) hash.update(await readFile(join(migrations, file)));
  hash.update(await readFile(join(CONNECTOR_DIR, 'src/scripts/seed.ts')));
  return `concierge_medusa_${hash.digest('hex').slice(0, 12)}`;
}

function run(args: string[], env: Record<string, string>, log: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MEDUSA_BIN, ...args], {
      cwd: CONNECTOR_DIR,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = createWriteStream(log, { flags: 'a' });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`medusa ${args.join(' ')} exited ${String(code)}; see ${log}`));
    });
  });
}

/**
 * The migrated, seeded template (made when missing), its staff file and the settings it was made
 * with. One builder at a time across processes (CI builds it ahead while other tests run).
 */
export async function medusaTemplate(server: string): Promise<Template> {
  const name = await templateName();
  const lock = new pg.Client({ connectionString: server });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    return await templateUnderLock(server, name, lock);
  } finally {
    await lock.end();
  }
}

async function templateUnderLock(server: string, name: string, c: pg.Client): Promise<Template> {
  const dir = join(ROOT, '.tmp', 'medusa', name);
  const staffFile = join(dir, 'staff.json');
  const keyFile = join(dir, 'mfa-key');
  await mkdir(dir, { recursive: true });
  const exists = (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  if (exists && existsSync(staffFile) && existsSync(keyFile))
    return { name, staffFile, env: medusaEnv(databaseUrl(server, name), (await readFile(keyFile, 'utf8')).trim()) };
  const key = randomBytes(32).toString('base64');
  const building = `${name}_building`;
  await c.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.query(`CREATE DATABASE ${building}`);
  const env = { ...medusaEnv(databaseUrl(server, building), key), CONCIERGE_STAFF_FILE: staffFile };
  const log = join(dir, 'build.log');
  await run(['db:migrate'], env, log);
  await run(['exec', './src/scripts/seed.ts'], env, log);
  await c.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
  await writeFile(keyFile, key, { mode: 0o600 });
  return { name, staffFile, env: medusaEnv(databaseUrl(server, name), key) };
}

/** Development mode on loopback: production's session cookie is Secure, which plain http would drop. */
function medusaEnv(url: string, mfaKey: string): Record<string, string> {
  return {
    DATABASE_URL: url,
    NODE_ENV: 'development',
    JWT_SECRET: 'concierge-test-jwt',
    COOKIE_SECRET: 'concierge-test-cookie',
    AUTH_MFA_ENCRYPTION_KEY: mfaKey,
    MEDUSA_DISABLE_TELEMETRY: 'true',
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface MedusaServer {
  /** The Medusa server's origin. */
  origin: string;
  /** The Assistance API's address: what the console's --shop-url and the conformance suite take. */
  shopUrl: string;
  staffFile: string;
  /** Its database on the test server (a copy of the seeded template, dropped on stop). */
  database: string;
  /** Where the server's output goes (for a failing test's reader). */
  log: string;
  stop(): Promise<void>;
}

/** A Medusa server with the connector on its own copy of the seeded template. */
export async function startMedusa(server: string): Promise<MedusaServer> {
  const template = await medusaTemplate(server);
  const copy = `${template.name}_${randomBytes(4).toString('hex')}`;
  await admin(server, (c) => c.query(`CREATE DATABASE ${copy} TEMPLATE ${template.name}`));
  const port = await freePort();
  const origin = `http://127.0.0.1:${String(port)}`;
  const log = join(ROOT, '.tmp', 'medusa', `${copy}.log`);
  const child: ChildProcess = spawn(process.execPath, [MEDUSA_BIN, 'start'], {
    cwd: CONNECTOR_DIR,
    env: {
      ...process.env,
      ...template.env,
      DATABASE_URL: databaseUrl(server, copy),
      PORT: String(port),
      CONCIERGE_PUBLIC_URL: origin,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const out = createWriteStream(log);
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    await admin(server, (c) => c.query(`DROP DATABASE IF EXISTS ${copy} WITH (FORCE)`));
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`medusa start exited ${String(child.exitCode)}; see ${log}`);
    const up = await fetch(`${origin}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`medusa start did not answer in 120 s; see ${log}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { origin, shopUrl: `${origin}/concierge`, staffFile: template.staffFile, database: copy, log, stop };
}
