import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Queryable } from '../db/database';
import type { Clock } from './clock';

type Callback = Parameters<FastifyRateLimitStore['incr']>[1];

// One statement counts the hit, or starts a new window when the old one is over: atomic across
// every shop process sharing the database.
const COUNT_HIT = `
  INSERT INTO rate_limit_counters AS c (key, hits, window_start_ms, window_ms) VALUES ($1, 1, $2, $3)
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN c.window_start_ms + c.window_ms <= $2 THEN 1 ELSE c.hits + 1 END,
    window_start_ms = CASE WHEN c.window_start_ms + c.window_ms <= $2 THEN $2 ELSE c.window_start_ms END,
    window_ms = $3
  RETURNING hits, window_start_ms`;

class DatabaseRateLimitStore implements FastifyRateLimitStore {
  constructor(
    private readonly db: Queryable,
    private readonly clock: Clock,
    private readonly scope: string,
  ) {}

  incr(key: string, callback: Callback, timeWindow: number): void {
    const now = this.clock.now().getTime();
    this.db.query<{ hits: number; window_start_ms: number }>(COUNT_HIT, [`${this.scope} ${key}`, now, timeWindow]).then(
      ({ rows }) => {
        const row = rows[0];
        if (!row) callback(new Error('rate limit counter not written'));
        else callback(null, { current: row.hits, ttl: row.window_start_ms + timeWindow - now });
      },
      (error: unknown) => {
        callback(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  /** A route with its own limit counts apart from the others (as the plugin's own stores do). */
  child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
    // At run time the plugin passes the merged limit options with the route under `routeInfo`.
    const route = (routeOptions as { routeInfo?: { method?: string | string[]; url?: string } }).routeInfo;
    const method = Array.isArray(route?.method) ? route.method.join(',') : (route?.method ?? '');
    return new DatabaseRateLimitStore(this.db, this.clock, `${this.scope} ${method} ${route?.url ?? ''}`);
  }
}

/**
 * A store for @fastify/rate-limit that counts in PostgreSQL (`rate_limit_counters`), so a caller
 * spreading requests over several shop processes meets one limit. `scope` keeps limiters apart.
 */
export function databaseRateLimitStore(db: Queryable, clock: Clock, scope: string): FastifyRateLimitStoreCtor {
  return class extends DatabaseRateLimitStore {
    constructor() {
      super(db, clock, scope);
    }
  };
}
