import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import pg from 'pg';
import { PGLITE_SHARED_MEMORY } from '../../shared/pglite-start';

/**
 * The one database interface the shop's queries use. PGlite (embedded) and a PostgreSQL server
 * both sit behind it, so every query is written once, in PostgreSQL's dialect.
 */
export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller's SQL decides the row shape; no driver can check it
  query<T extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<{ rows: T[]; rowCount: number }>;
}

export interface QueryOptions {
  /**
   * Hot, complex statements: PostgreSQL keeps the statement prepared per connection (named by a
   * hash of its text) and, outside a transaction, always runs its generic plan instead of planning
   * every call, and without parallel workers. Write such SQL so a generic plan is good (no LIKE
   * patterns that only a custom plan turns into ranges). PGlite ignores the option.
   */
  prepare?: boolean;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: all its writes land together or none do. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations, seeds). */
  exec(sql: string): Promise<void>;
  /**
   * LISTENs on `channel` on a connection of its own: `onNotify` for each notification, `onGap`
   * when the connection was lost and notifications may have been missed (it listens again by
   * itself). Resolves once listening; the returned function stops.
   */
  listen(channel: string, handlers: { onNotify: () => void; onGap: () => void }): Promise<() => Promise<void>>;
  /** Competes for the leadership behind `lockKey`, held by one process among all that share the database. */
  leadership(lockKey: number): Leadership;
  close(): Promise<void>;
}

/** One leader at a time among the shop processes of a database: a session-level advisory lock. */
export interface Leadership {
  /**
   * True while this process holds the lock, taking it when it is free. A leader whose connection
   * dropped has lost it (the server released the lock with the connection) and competes again.
   */
  isLeader(): Promise<boolean>;
  /** Gives the lock up and closes its connection; call before closing the database. */
  release(): Promise<void>;
}

/**
 * Runs `fn` in `q` when it is already a transaction, else in a new transaction of the database:
 * for steps that must be atomic whether or not their caller has a transaction open.
 */
export function inTransaction<T>(q: Queryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return isDatabase(q) ? q.transaction(fn) : fn(q);
}

const isDatabase = (q: Queryable): q is Database => 'transaction' in q;

const INT8_OID = 20;

/** PGlite in `dataDir` (in memory when none); `loadDataDir` starts it from a dumped data folder (PGlite's dumpDataDir). */
export async function openPglite(dataDir?: string, options: { loadDataDir?: Blob } = {}): Promise<Database> {
  const db = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    startParams: [...PGlite.defaultStartParams, ...PGLITE_SHARED_MEMORY],
    extensions: { pg_trgm },
    // bigint ids and counts fit in a JS number for any size this shop will see.
    parsers: { [INT8_OID]: (value: string) => Number(value) },
  });
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- see Queryable.query
  const run = async <T extends object>(q: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]) => {
    const result = await q.query<T>(sql, params ? [...params] : undefined);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  };
  return {
    kind: 'pglite',
    query: (sql, params) => run(db, sql, params),
    transaction: (fn) => db.transaction((tx) => fn({ query: (sql, params) => run(tx, sql, params) })),
    exec: async (sql) => {
      await db.exec(sql);
    },
    // In one process nothing is lost between a notification and its listener.
    listen: async (channel, handlers) => db.listen(channel, handlers.onNotify),
    // PGlite is embedded in one process: that process is the only one there is.
    leadership: () => ({ isLeader: () => Promise.resolve(true), release: () => Promise.resolve() }),
    close: () => db.close(),
  };
}

export async function openPostgres(connectionString: string, options: { max?: number } = {}): Promise<Database> {
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, 'text', (value) => Number(value));
  const max = options.max ?? 10;
  const pool = new pg.Pool({ connectionString, max, types });
  // Prepared statements get connections of their own that always run the generic plan. Left to
  // choose, PostgreSQL keeps custom-planning a statement whose custom plans look cheaper, and
  // planning the search's union of index walks costs more than running it. They plan no parallel
  // workers either: the search relies on a UNION ALL reading its inputs in order, which a
  // parallel append does not, and its short index walks would gain nothing from workers.
  // And they get about one connection per core: these statements never wait on disk or locks,
  // so more backends only take turns on the cores, each with colder caches (docs/PERFORMANCE.md,
  // "Shop: the measurements behind its design"). The cores counted are this host's, which are the
  // database's when it runs beside the shop.
  const preparedMax = Math.min(max, availableParallelism() + 1);
  const preparedPool = new pg.Pool({
    connectionString,
    max: preparedMax,
    types,
    options: '-c plan_cache_mode=force_generic_plan -c max_parallel_workers_per_gather=0',
  });
  // An idle client can lose its connection (server restart, a terminated backend); the pool drops
  // it and later queries get a new one. Unlistened, the pool's 'error' event would crash the process.
  pool.on('error', () => undefined);
  preparedPool.on('error', () => undefined);
  // Fail fast with a clear error when the server is unreachable, rather than on the first request.
  const probe = await pool.connect();
  probe.release();
  const statementNames = new Map<string, string>();
  const statementName = (sql: string) => {
    let name = statementNames.get(sql);
    if (!name) {
      name = `q_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
      // Search statements differ by the segments a query needs; a few dozen shapes exist.
      if (statementNames.size < 1000) statementNames.set(sql, name);
    }
    return name;
  };
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- see Queryable.query
  const run = async <T extends object>(
    client: pg.Pool | pg.PoolClient,
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ) => {
    const values = params ? [...params] : undefined;
    const result = options?.prepare
      ? await client.query<T & pg.QueryResultRow>({
          name: statementName(sql),
          text: sql,
          ...(values ? { values } : {}),
        })
      : await client.query<T & pg.QueryResultRow>(sql, values);
    return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
  };
  return {
    kind: 'postgres',
    query: (sql, params, options) => run(options?.prepare ? preparedPool : pool, sql, params, options),
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({ query: (sql, params, options) => run(client, sql, params, options) });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    exec: async (sql) => {
      await pool.query(sql);
    },
    listen: (channel, handlers) => postgresListener(connectionString, channel, handlers),
    leadership: (lockKey) => postgresLeadership(connectionString, lockKey),
    close: async () => {
      await Promise.all([pool.end(), preparedPool.end()]);
    },
  };
}

const RELISTEN_DELAY_MS = 1000;

/** LISTEN on a client of its own, listening again a second after its connection is lost. */
async function postgresListener(
  connectionString: string,
  channel: string,
  handlers: { onNotify: () => void; onGap: () => void },
): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;
  const connect = async () => {
    const fresh = new pg.Client({
      connectionString,
      application_name: `concierge listener pid ${String(process.pid)}`,
    });
    fresh.on('notification', () => {
      handlers.onNotify();
    });
    fresh.on('error', () => {
      lost(fresh);
    });
    fresh.on('end', () => {
      lost(fresh);
    });
    await fresh.connect();
    await fresh.query(`LISTEN ${channel}`);
    client = fresh;
  };
  const lost = (which: pg.Client) => {
    if (client !== which || stopped) return;
    client = null;
    handlers.onGap();
    const again = () => {
      retry = null;
      if (stopped) return;
      connect().then(
        () => {
          handlers.onGap();
        },
        () => {
          retry = setTimeout(again, RELISTEN_DELAY_MS);
        },
      );
    };
    retry = setTimeout(again, RELISTEN_DELAY_MS);
  };
  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    const last = client;
    client = null;
    await last?.end().catch(() => undefined);
  };
}

/**
 * The lock lives on a connection of its own, outside the pools, so it is held between calls;
 * when that connection ends (server restart, network, this process dying) the lock goes with it.
 */
function postgresLeadership(connectionString: string, lockKey: number): Leadership {
  let client: pg.Client | null = null;
  let leader = false;
  const drop = () => {
    const old = client;
    client = null;
    leader = false;
    return old;
  };
  return {
    isLeader: async () => {
      try {
        if (!client) {
          // Named, so an operator (and the scale-out test) sees which process leads in pg_stat_activity.
          const fresh = new pg.Client({
            connectionString,
            application_name: `concierge leader pid ${String(process.pid)}`,
          });
          fresh.on('error', () => drop());
          await fresh.connect();
          client = fresh;
        }
        if (leader) {
          await client.query('SELECT 1');
          return true;
        }
        const { rows } = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1) AS taken', [lockKey]);
        leader = rows[0]?.taken === true;
        return leader;
      } catch {
        await drop()
          ?.end()
          .catch(() => undefined);
        return false;
      }
    },
    release: async () => {
      await drop()
        ?.end()
        .catch(() => undefined);
    },
  };
}

/** `DATABASE_URL` set → PostgreSQL; otherwise PGlite in `dataDir` (in memory when none). */
export function openDatabase(options: {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
}): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options.dataDir);
}
