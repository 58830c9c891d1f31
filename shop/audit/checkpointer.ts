import type { AuditCheckpoint } from '../../shared/api/audit';
import { signCheckpoint, type SigningKeyPair } from '../../shared/audit/checkpoint';
import type { Database, Queryable } from '../db/database';
import type { Clock } from '../lib/clock';
import { CHECKPOINT_LOCK } from './append';
import { insertCheckpoints } from './checkpoint-store';

/**
 * Signs checkpoints off the write path: appends never wait for a signature. A timer looks at the
 * log's head; every seq that is a multiple of `every` gets one (a log from before checkpoints is
 * back-filled `batch` at a time), and the head gets one once the newest is `intervalMs` old.
 */

export interface CheckpointPolicy {
  /** Sign every seq that is a multiple of this (default 1,000). */
  readonly every: number;
  /** Sign the head when it moved and the newest checkpoint is at least this old (default 60 s). */
  readonly intervalMs: number;
  /** Most checkpoints signed in one pass (one transaction). */
  readonly batch: number;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = { every: 1000, intervalMs: 60_000, batch: 200 };
export const DEFAULT_CHECKPOINT_POLL_MS = 1000;

/** What the checkpointer tells its log; never the key, only its public id. */
export interface CheckpointLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface CheckpointerDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly key: SigningKeyPair;
  readonly log?: CheckpointLog | undefined;
}

export interface Checkpointer {
  /** One pass now (`final`: sign the head whatever the interval); the checkpoints it stored. */
  runOnce(final?: boolean): Promise<AuditCheckpoint[]>;
  /** Stops the timer, waits for a pass in flight, then signs the head once if it moved. */
  stop(): Promise<void>;
}

interface PassState {
  /** Every multiple of `every` up to here is signed (by any process): the next pass starts above it. */
  readonly signedThrough: number;
}

/**
 * The head and the newest checkpoint in one prepared statement, outside any transaction: most
 * polls find nothing to sign, and each shop process polls every second, so that answer must be cheap
 * (the locked pass below is five round trips).
 */
const HEAD_SQL = `SELECT h.seq AS head, c.seq AS signed_seq, c.at AS signed_at
  FROM (SELECT seq FROM audit_events ORDER BY seq DESC LIMIT 1) h
  LEFT JOIN LATERAL (SELECT seq, at FROM audit_checkpoints ORDER BY seq DESC LIMIT 1) c ON true`;

/** Whether a pass would sign nothing: no multiple of `every` above `signedThrough`, and the head signed or not yet due. */
async function nothingDue(deps: CheckpointerDeps, policy: CheckpointPolicy, state: PassState): Promise<boolean> {
  const { rows } = await deps.db.query<{ head: number; signed_seq: number | null; signed_at: string | null }>(
    HEAD_SQL,
    [],
    { prepare: true },
  );
  const row = rows[0];
  if (!row) return true;
  if (Math.floor(row.head / policy.every) * policy.every > state.signedThrough) return false;
  if (row.signed_seq !== null && row.head <= row.signed_seq) return true;
  const intervalOver =
    row.signed_at === null || deps.clock.now().getTime() - Date.parse(row.signed_at) >= policy.intervalMs;
  return !intervalOver;
}

/** One pass under the checkpoint lock; another process holding it makes this pass a no-op. */
async function signDue(
  deps: CheckpointerDeps,
  policy: CheckpointPolicy,
  state: PassState,
  final: boolean,
): Promise<{ signed: AuditCheckpoint[]; signedThrough: number }> {
  const nothing = { signed: [], signedThrough: state.signedThrough };
  if (!final && (await nothingDue(deps, policy, state))) return nothing;
  return deps.db.transaction(async (tx) => {
    const lock = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [
      CHECKPOINT_LOCK,
    ]);
    if (!lock.rows[0]?.locked) return nothing;
    const head = (
      await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1')
    ).rows[0];
    if (!head) return nothing;
    const newest = (
      await tx.query<{ seq: number; at: string }>('SELECT seq, at FROM audit_checkpoints ORDER BY seq DESC LIMIT 1')
    ).rows[0];
    const { due, signedThrough } = await dueMultiples(tx, policy, state, head.seq);
    const signedUpTo = Math.max(newest?.seq ?? 0, due.at(-1)?.seq ?? 0);
    const now = deps.clock.now();
    const intervalOver = !newest || now.getTime() - Date.parse(newest.at) >= policy.intervalMs;
    if (head.seq > signedUpTo && (final || intervalOver)) due.push(head);
    const at = now.toISOString();
    const signed = due.map((event) => signCheckpoint({ seq: event.seq, hash: event.hash, at }, deps.key));
    await insertCheckpoints(tx, signed);
    return { signed, signedThrough };
  });
}

/** The multiples of `every` up to `headSeq` with no checkpoint yet, at most `batch` of them. */
async function dueMultiples(
  tx: Queryable,
  policy: CheckpointPolicy,
  state: PassState,
  headSeq: number,
): Promise<{ due: { seq: number; hash: string }[]; signedThrough: number }> {
  const lastMultiple = Math.floor(headSeq / policy.every) * policy.every;
  if (lastMultiple <= state.signedThrough) return { due: [], signedThrough: state.signedThrough };
  // Index lookups at the multiples only, never a scan of the log.
  const { rows } = await tx.query<{ seq: number; hash: string }>(
    `SELECT e.seq, e.hash FROM generate_series($1::bigint, $2::bigint, $3::bigint) AS s(seq)
       JOIN audit_events e ON e.seq = s.seq
      WHERE NOT EXISTS (SELECT 1 FROM audit_checkpoints c WHERE c.seq = s.seq)
      ORDER BY s.seq LIMIT $4`,
    [state.signedThrough + policy.every, lastMultiple, policy.every, policy.batch],
  );
  // Once committed, every multiple up to here is signed: the whole range when the batch had room.
  const through = rows.length < policy.batch ? lastMultiple : (rows.at(-1)?.seq ?? state.signedThrough);
  return { due: rows, signedThrough: through };
}

/** Starts signing every `pollMs`; stop it (the shop's close does) before closing the database. */
export function startCheckpointer(
  deps: CheckpointerDeps,
  policy: CheckpointPolicy = DEFAULT_CHECKPOINT_POLICY,
  pollMs: number = DEFAULT_CHECKPOINT_POLL_MS,
): Checkpointer {
  const state: { -readonly [K in keyof PassState]: PassState[K] } = { signedThrough: 0 };
  let failing = false;
  let running: Promise<AuditCheckpoint[]> | null = null;
  let stopped = false;

  const runOnce = async (final = false): Promise<AuditCheckpoint[]> => {
    try {
      const { signed, signedThrough } = await signDue(deps, policy, state, final);
      state.signedThrough = signedThrough;
      if (failing) deps.log?.info({ keyId: deps.key.keyId }, 'audit checkpoints: signing works again');
      failing = false;
      const first = signed[0];
      const last = signed.at(-1);
      if (first && last)
        deps.log?.info(
          { count: signed.length, firstSeq: first.seq, lastSeq: last.seq, keyId: deps.key.keyId },
          'audit checkpoints signed',
        );
      return signed;
    } catch (error) {
      // A warning, once per run of failures: the next pass retries, and nothing is lost meanwhile.
      if (!failing)
        deps.log?.warn({ err: error }, 'audit checkpoints: signing failed; retrying every poll until it works');
      failing = true;
      return [];
    }
  };

  const timer = setInterval(() => {
    if (running || stopped) return;
    running = runOnce().finally(() => {
      running = null;
    });
  }, pollMs);
  timer.unref();

  return {
    runOnce: (final) => runOnce(final),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await running;
      await runOnce(true);
    },
  };
}
