import type { Queryable } from './database';

/**
 * Drops shared state that can no longer change a decision: failures past the throttle's window,
 * expired decoys and shown-once values, finished rate-limit windows. Run by the upkeep leader;
 * every reader also ignores such rows, so a late run changes only the tables' size.
 */
export async function dropExpiredSharedState(q: Queryable, now: Date, failureWindowSeconds: number): Promise<number> {
  const ms = now.getTime();
  const results = await Promise.all([
    q.query('DELETE FROM auth_failures WHERE at_ms <= $1', [ms - failureWindowSeconds * 1000]),
    q.query('DELETE FROM decoy_challenges WHERE expires_at <= $1', [now]),
    q.query('DELETE FROM rate_limit_counters WHERE window_start_ms + window_ms <= $1', [ms]),
    q.query('DELETE FROM shown_once WHERE expires_at <= $1', [now]),
  ]);
  return results.reduce((sum, r) => sum + r.rowCount, 0);
}
