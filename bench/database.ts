import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The URL of database `name` on the benchmark PostgreSQL server, created when missing. The
 * server is BENCH_DATABASE_URL when set, else the local one `.ci/start-postgres.sh` starts;
 * each benchmark keeps its own database there so its seeded data is reused between runs.
 */
export async function benchDatabase(name: string): Promise<string> {
  const server = await benchServer();
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rows.length === 0) await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The benchmark server's URL (its maintenance database): BENCH_DATABASE_URL, or the local one started. */
export async function benchServer(): Promise<string> {
  return process.env.BENCH_DATABASE_URL ?? startLocalServer();
}

/**
 * The local server, reached over its Unix socket (the script starts it with `-k /tmp`): on one
 * host a socket costs the shop and the server less per query than loopback TCP does.
 */
async function startLocalServer(): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', ['.ci/start-postgres.sh'], { cwd: ROOT });
  const url = new URL(stdout.trim().split('\n').at(-1) ?? '');
  url.searchParams.set('host', '/tmp');
  return url.toString();
}
