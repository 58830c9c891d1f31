/**
 * The audit-sync part's re-verification of the mirror's stored events: one pass alone, for its
 * time, and one with a viewer's queries issued during it, for how long they waited for it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditFilter, AuditSyncStatus } from '../shared/ipc/contract';
import type { AuditMirror } from '../main/core/audit-mirror';
import { DEMO_STAFF } from '../shop/seed/staff';
import { pick } from './audit-data';
import { percentile, type ReverifyResults } from './audit-sync-report';
import { REVERIFY_ALONE_RUNS, REVERIFY_QUERY_GAP_MS } from './audit-sync-settings';
import { ms } from './load';

/** The viewer's first page, unfiltered and by a staff member: quick alone, so their time during a pass is mostly waiting. */
const VIEWER_QUERIES: readonly AuditFilter[] = [{}, { staffId: pick(DEMO_STAFF, 1).id }];

async function timed<T>(run: () => Promise<T>): Promise<number> {
  const t = performance.now();
  await run();
  return performance.now() - t;
}

/** Starts a pass ("Verify again") and resolves with the status at its end and its time. */
async function pass(mirror: AuditMirror): Promise<{ status: AuditSyncStatus; ms: number }> {
  const before = (await mirror.status()).reverify.lastCompletedAt;
  let stop: () => void = () => undefined;
  const ended = new Promise<AuditSyncStatus>((resolve) => {
    stop = mirror.onStatus((s) => {
      if (s.reverify.state === 'idle' && s.reverify.lastCompletedAt !== before) resolve(s);
    });
  });
  const started = performance.now();
  const answer = await mirror.verifyAgain();
  if (answer.reverify.state !== 'running') throw new Error('verifyAgain() did not start a pass');
  const status = await ended;
  stop();
  return { status, ms: performance.now() - started };
}

/**
 * The viewer's queries, one every REVERIFY_QUERY_GAP_MS (spread over the range; longer than the
 * store's 300 ms of quiet, so the pass goes on between them), until `over` says the pass ended.
 * Returns each query's wait: its time less the median time of the same query alone.
 */
async function queriesDuring(mirror: AuditMirror, over: () => boolean, alone: readonly number[]): Promise<number[]> {
  const waits: number[] = [];
  const [low, high] = REVERIFY_QUERY_GAP_MS;
  for (let run = 0; ; run += 1) {
    await sleep(low + ((run * 397) % (high - low)));
    if (over()) return waits;
    const kind = run % VIEWER_QUERIES.length;
    const took = await timed(() => mirror.query(VIEWER_QUERIES[kind] ?? {}, 0, 50));
    waits.push(took - (alone[kind] ?? 0));
  }
}

const problemText = (status: AuditSyncStatus) =>
  status.reverify.problem ? `seq ${status.reverify.problem.seq}: ${status.reverify.problem.problem}` : null;

/** A pass over everything the mirror stored, then one with viewer queries during it. */
export async function measureReverify(mirror: AuditMirror): Promise<ReverifyResults> {
  const alone = [];
  for (const filter of VIEWER_QUERIES) {
    const times = [];
    for (let run = 0; run < REVERIFY_ALONE_RUNS; run += 1) times.push(await timed(() => mirror.query(filter, 0, 50)));
    alone.push(percentile(times, 0.5));
  }
  const first = await pass(mirror);
  console.log(
    `  re-verification: ${first.status.reverify.checked.toLocaleString('en-US')} events in ${(first.ms / 1000).toFixed(1)} s${first.status.reverify.problem ? ` (problem at ${problemText(first.status) ?? ''})` : ''}`,
  );
  let over = false;
  const second = pass(mirror).finally(() => {
    over = true;
  });
  const waits = await queriesDuring(mirror, () => over, alone);
  const withQueries = await second;
  const longestWaitMs = Math.max(0, ...waits);
  console.log(
    `  during a second pass (${(withQueries.ms / 1000).toFixed(1)} s): ${waits.length} viewer queries, longest wait ${ms(longestWaitMs)} ms`,
  );
  return {
    events: first.status.reverify.checked,
    passMs: first.ms,
    problem: problemText(first.status),
    passWithQueriesMs: withQueries.ms,
    queries: waits.length,
    longestWaitMs,
    waitP95Ms: percentile(waits, 0.95),
    aloneMs: Math.max(...alone),
  };
}
