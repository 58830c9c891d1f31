import { z } from 'zod';
import { AuditPage } from '../../../shared/api/audit';
import type { AuditSyncStatus } from '../../../shared/ipc/contract';
import type { ApiClient } from '../api/api-client';
import type { TokenSource } from '../api/api-requests';
import { syncCheckpoints, type CheckpointDeps } from './checkpoints';
import type { PreparedPage, VerifyState } from './prepare';
import type { MirrorOps, PageRequest, VerifierOps } from './protocol';
import type { MirrorState } from './store-state';
import type { SyncStatusTracker } from './sync-status';
import { startAtWindow, windowSince, type WindowDeps } from './window';
import { WorkerCallError, type WorkerClient } from './worker-client';

export interface SyncDeps {
  pageSize: number;
  now: () => Date;
  tokens: TokenSource;
  store: Pick<WorkerClient<MirrorOps>, 'call'>;
  /** The verifier thread's client (replaced when it failed). */
  verifier: () => Pick<WorkerClient<VerifierOps>, 'call'>;
  status: Pick<SyncStatusTracker, 'setPhase' | 'publish' | 'setSigning'>;
  /** The checkpoint step after the pages (checkpoints.ts). */
  checkpoints: CheckpointDeps;
  /** The mirror was closed: the sync stops after the page under way. */
  closed: () => boolean;
  /**
   * Asks the shop for one event after the cursor, on the main thread. Nothing new (the cursor
   * stays where it is) and the sync needs no pages, so no verifier thread starts: a background
   * sync every 30 s of an idle log costs one small request.
   */
  peek?: (after: number) => Promise<Peeked>;
  /** A supervisor's window (window.ts): a new copy starts at it, and what falls out of it is dropped after the sync. */
  window?: Omit<WindowDeps, 'store' | 'now'> | null;
}

export interface Peeked {
  nothingNew: boolean;
  /** The head the shop reported (a head behind the mirror means lost events: checkpoints.ts). */
  shopHead: number;
}

/** What a peek reads of a page: its events are counted, never stored, so they are not parsed further. */
const PeekedPage = AuditPage.pick({ nextAfter: true, head: true }).extend({ events: z.array(z.unknown()) });

/** `peek` over the API client: one event after the cursor, validated as a page. */
export function peekAtShop(api: Pick<ApiClient, 'auditEvents'>): (after: number) => Promise<Peeked> {
  return async (after) => {
    const bytes = await api.auditEvents(after, 1);
    const page = PeekedPage.parse(JSON.parse(new TextDecoder().decode(bytes)));
    return { nothingNew: page.events.length === 0 && page.nextAfter === after, shopHead: page.head.seq };
  };
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 300 ? `${message.slice(0, 297)}...` : message;
}

const verifyStateOf = (s: MirrorState): VerifyState => ({
  chain: s.chain,
  checked: s.checked,
  bad: s.bad,
  lastAtMs: s.lastAtMs,
  atInOrder: s.atInOrder,
});

const pageRequest = ({ pageSize, tokens }: SyncDeps, after: number): PageRequest => ({
  after,
  limit: pageSize,
  token: tokens.accessToken(),
});

/**
 * The page at `after`, fetched, validated and verified from `from` by the verifier thread. An
 * expired access token is refreshed once and the page asked for again, as the API client does.
 */
async function preparePageAt(deps: SyncDeps, after: number, from: VerifyState): Promise<PreparedPage> {
  try {
    return await deps.verifier().call('prepare', { ...pageRequest(deps, after), from });
  } catch (error) {
    if (!(error instanceof WorkerCallError && error.code === 'token_expired')) throw error;
    if (!(await deps.tokens.refreshAccessToken())) throw error;
    return deps.verifier().call('prepare', { ...pageRequest(deps, after), from });
  }
}

/**
 * While pages come full and their seqs dense (a full reader's log), two requests run ahead of
 * the page being checked, at guessed cursors, so the shop's database works on one while the
 * shop serializes the other. Guesses are unchecked: a page fetched from a wrong cursor is
 * dropped unused, and one that does not continue the chain is refused before anything is stored.
 */
function requestAhead(deps: SyncDeps, after: number, head: number): void {
  for (const ahead of [after + deps.pageSize, after + 2 * deps.pageSize])
    if (ahead < head)
      void deps
        .verifier()
        .call('fetch', pageRequest(deps, ahead))
        .catch(() => undefined);
}

/** Aborts the verifier's requests still on their way, so none reaches the shop after the sync reports. */
const forgetRequests = (deps: SyncDeps) =>
  deps
    .verifier()
    .call('forget', {})
    .catch(() => undefined);

/**
 * The sync pipeline: the shop serves pages N+2 and N+3 while the verifier thread
 * checks page N+1 and the store thread inserts page N. Each page is verified from the state
 * the page before it leaves, and the store refuses a page unless that is exactly its own
 * state, so the overlap never changes what is stored.
 */
export async function runSync(deps: SyncDeps): Promise<AuditSyncStatus> {
  const { store, status, pageSize } = deps;
  let state = await store.call('state', {});
  status.setPhase({ state: 'syncing', message: null });
  status.publish(state);
  let storing: Promise<void> | null = null;
  const window = deps.window ? { ...deps.window, store, now: deps.now } : null;
  try {
    if (window && state.cursor === 0 && state.stored === 0) state = await startAtWindow(window, state);
    // Anything new at all? (A peek that fails fails the sync, as its first page would.)
    const peeked = await deps.peek?.(state.cursor);
    let after = state.cursor;
    let from = verifyStateOf(state);
    // The page before this one came full with dense seqs, and the head it reported.
    let dense = false;
    let head = 0;
    // The head the shop reported on the last page: a head behind what the mirror saw means lost events.
    let shopHead = peeked?.shopHead ?? 0;
    const pages = peeked?.nothingNew !== true;
    while (pages) {
      const preparing = preparePageAt(deps, after, from);
      if (dense && !deps.closed()) requestAhead(deps, after, head);
      const prepared = await preparing;
      shopHead = prepared.shopHead;
      if (storing) await storing;
      if (deps.closed()) break;
      storing = store
        .call('ingestPrepared', { page: prepared }, [prepared.rows.buffer, prepared.searchRows.buffer])
        .then((result) => {
          state = result.state;
          status.publish(state);
        });
      from = prepared.to;
      const done = prepared.nextAfter === after || prepared.nextAfter >= prepared.headSeq;
      if (done) break;
      dense = prepared.received === pageSize && prepared.nextAfter - after === pageSize;
      head = prepared.headSeq;
      after = prepared.nextAfter;
    }
    if (pages) await forgetRequests(deps);
    if (storing) await storing;
    storing = null;
    // Filter indexes a bulk sync dropped and fresh statistics follow in the worker, one step
    // at a time between queries (see maintained()).
    if (deps.closed()) await store.call('settle', {});
    else {
      const signed = await syncCheckpoints(deps.checkpoints, shopHead);
      status.setSigning(signed.signing);
      const keepSince = window ? windowSince(deps.now(), window.days).toISOString() : null;
      state = await store.call('markSynced', { at: deps.now().toISOString(), keepSince });
    }
    status.setPhase({ state: 'idle', message: null });
    return status.publish(state);
  } catch (error) {
    await forgetRequests(deps);
    status.setPhase({ state: 'error', message: describeError(error) });
    await storing?.catch(() => undefined);
    await store.call('settle', {}).catch(() => undefined);
    const latest = await store.call('state', {}).catch(() => state);
    return status.publish(latest);
  }
}
