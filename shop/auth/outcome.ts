import type { Database, Queryable } from '../db/database';
import type { ApiError } from '../lib/errors';

/** What a transaction decided: a value, or a refusal to report after its writes are committed. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const succeed = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const refuse = <T = never>(error: ApiError): Outcome<T> => ({ ok: false, error });

/**
 * Runs `fn` in a transaction and commits what it wrote even when it refuses, so failure
 * counters, locks and audit events of a refused attempt persist; then throws the refusal.
 */
export async function commitThenReport<T>(db: Database, fn: (tx: Queryable) => Promise<Outcome<T>>): Promise<T> {
  const outcome = await db.transaction(fn);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
