import type { AuditEvent } from '../../../shared/api/audit';

/**
 * The mirror's local schema (PGlite, PostgreSQL dialect). Columns follow the shop's
 * audit_events so the same SQL reads both; `at` keeps the exact string the shop sent because it
 * is part of the hashed content, and `at_ts` is its timestamp for time-range filters.
 */
/**
 * How many stored events each action has, kept with every page stored: an action or an action
 * group alone is then counted without walking its index (up to the cap, 10,000 entries). Added
 * to a mirror of version 4 in place, counted from its events once (ensureActionCounts).
 */
export const ACTION_COUNTS_TABLE = `CREATE TABLE IF NOT EXISTS audit_action_counts (
  action text PRIMARY KEY,
  n bigint NOT NULL
);`;

/**
 * A supervisor's copy keeps a window of recent history (retention.ts): events up to this seq
 * are the shop's alone. Added to a mirror of version 4 in place (ensureHeldAfter).
 */
export const HELD_AFTER_COLUMN = 'held_after bigint NOT NULL DEFAULT 0';

/** Bump on any change below: a mirror of another version is dropped and synced again (it is a cache). */
export const MIRROR_SCHEMA_VERSION = 4;

/**
 * One index per viewer filter. A long first sync drops them and builds them once at the end
 * (a sorted build costs a fraction of updating them row by row), one index per step so that
 * queries run in between; opening the store queues any that are missing (a new mirror, or a
 * crash during a bulk sync) the same way.
 */
export const FILTER_INDEXES = {
  // In order of build cost, smallest first (they are built in this order after a bulk sync).
  audit_events_at: 'ON audit_events (at_ts, seq)',
  audit_events_session: 'ON audit_events (session_id, seq) WHERE session_id IS NOT NULL',
  audit_events_customer: 'ON audit_events (customer_id, seq) WHERE customer_id IS NOT NULL',
  audit_events_action: 'ON audit_events (action, seq)',
  // actor_type (and action, the usual companion filter) inside the index, so the staff filter's
  // capped count is an index-only scan.
  audit_events_actor: 'ON audit_events (actor_id, actor_type, seq) INCLUDE (action)',
} as const satisfies Record<string, string>;

export type FilterIndexName = keyof typeof FILTER_INDEXES;

export const DROP_FILTER_INDEXES_SQL = `DROP INDEX IF EXISTS ${Object.keys(FILTER_INDEXES).join(', ')}`;

export const MIRROR_SCHEMA = `
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS pageinspect;

CREATE TABLE IF NOT EXISTS mirror_state (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  schema_version integer NOT NULL,
  -- The shop's cursor: the next page is GET /audit/events?after=cursor. Moves only in the
  -- transaction that stores the rows it covers.
  cursor bigint NOT NULL DEFAULT 0,
  head_seq bigint NOT NULL DEFAULT 0,
  stored bigint NOT NULL DEFAULT 0,
  -- Chain verification, continued page by page: the last verified event, or the first bad one.
  chain_last_seq bigint NOT NULL DEFAULT 0,
  chain_last_hash text NOT NULL DEFAULT '${'0'.repeat(64)}',
  checked bigint NOT NULL DEFAULT 0,
  bad_seq bigint,
  bad_problem text,
  last_sync_at timestamptz,
  -- Every event up to this seq is in a chunk of audit_search with its trigram index (see below).
  search_upto bigint NOT NULL DEFAULT 0,
  -- Events stored at the last VACUUM ANALYZE (PGlite runs no autovacuum).
  analyzed_stored bigint NOT NULL DEFAULT 0,
  -- While every event's time is at or after the one before it (one clock, appends under a lock),
  -- a time range is a seq range, which every (…, seq) index can serve directly.
  last_at_ms bigint NOT NULL DEFAULT 0,
  at_in_order boolean NOT NULL DEFAULT true,
  -- Signed checkpoints (checkpoints.ts): how many held with a pinned key, how many of those
  -- matched an event this mirror holds, the newest seen, and the first contradiction found.
  cp_checked bigint NOT NULL DEFAULT 0,
  cp_compared bigint NOT NULL DEFAULT 0,
  cp_last_seq bigint NOT NULL DEFAULT 0,
  rewritten_seq bigint,
  rewritten_problem text,
  ${HELD_AFTER_COLUMN}
);
INSERT INTO mirror_state (id, schema_version) VALUES (true, ${MIRROR_SCHEMA_VERSION}) ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS audit_events (
  seq bigint PRIMARY KEY,
  id text NOT NULL,
  at text NOT NULL,
  at_ts timestamptz NOT NULL,
  action text NOT NULL,
  actor_type text NOT NULL,
  actor_id text,
  actor_name text,
  customer_id text,
  session_id text,
  ip text,
  user_agent text,
  details jsonb NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL
);

${ACTION_COUNTS_TABLE}

-- The shop's signed checkpoints as fetched (GET /audit/checkpoints), every one kept: one whose
-- key this console has not pinned waits as 'unknown_key' until a person trusts the key.
CREATE TABLE IF NOT EXISTS audit_checkpoints (
  seq bigint PRIMARY KEY,
  hash text NOT NULL,
  at text NOT NULL,
  key_id text NOT NULL,
  signature text NOT NULL,
  -- null until checked; then 'ok', 'unknown_key', 'bad_signature' or 'hash_mismatch'.
  verdict text,
  -- Whether its hash was compared with the event this mirror holds at its seq.
  compared boolean NOT NULL DEFAULT false
);

-- Free text. Each event's search text (searchText below) is written with the event, in the same
-- transaction, to audit_search, partitioned by seq into chunks (SEARCH_CHUNK events each,
-- created as events arrive). A trigram GIN costs several times the rest of an insert, so a bulk
-- sync fills new chunks without one, and each gets its index behind the sync (one chunk per
-- step); later events go into a chunk that has its index already. Until a chunk has its index,
-- text queries scan it with the same exact test, so results are complete throughout.
CREATE TABLE IF NOT EXISTS audit_search (
  seq bigint NOT NULL,
  search text NOT NULL,
  PRIMARY KEY (seq)
) PARTITION BY RANGE (seq);
`;

/** Events per audit_search partition (each gets its own trigram index). */
export const SEARCH_CHUNK = 131_072;

/** The audit_search partition that holds `seq`. */
export const searchChunkOf = (seq: number, chunk: number) => Math.floor((seq - 1) / chunk);

/**
 * What the viewer's free-text box searches, lowercased: action, actor name, details (as JSON)
 * and ip. Computed where the page is verified (prepare.ts), so storing it costs the store
 * thread one COPY of short rows.
 */
export function searchText(event: AuditEvent): string {
  return `${event.action} ${event.actor.name ?? ''} ${JSON.stringify(event.details)} ${event.ip ?? ''}`.toLowerCase();
}
