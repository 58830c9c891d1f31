/**
 * A supervisor's copy of the audit log keeps a window of recent history (default: the last 90
 * days); the shop keeps all of it. This is the main thread's side: the configuration, where a
 * new copy starts, and the viewer's older history, asked of the shop (GET /audit/search). The
 * store's side (dropping what falls out of the window) is retention.ts.
 */
import { computeEventHash } from '../../../shared/audit/chain';
import type { AuditSearchQuery } from '../../../shared/api/audit';
import type { AuditFilter, AuditOlderPage, AuditWindow } from '../../../shared/ipc/contract';
import type { ApiClient } from '../api/api-client';
import { ConsoleRefusedError, ShopRefusedError } from '../errors';
import type { MirrorOps } from './protocol';
import type { MirrorState } from './store-state';
import type { WorkerClient } from './worker-client';

export const DEFAULT_AUDIT_WINDOW_DAYS = 90;

/** Days of history a supervisor's copy keeps; `all` (or 0) keeps everything. */
export const AUDIT_WINDOW_ENV = 'CONCIERGE_AUDIT_WINDOW_DAYS';

const DAY_MS = 86_400_000;

export class AuditWindowConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditWindowConfigError';
  }
}

/** The configured window in days, null to keep everything; a value that is neither stops the start with a clear message. */
export function configuredWindowDays(env: NodeJS.ProcessEnv): number | null {
  const value = env[AUDIT_WINDOW_ENV]?.trim();
  if (value === undefined || value === '') return DEFAULT_AUDIT_WINDOW_DAYS;
  if (value === 'all' || value === '0') return null;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > 36_500)
    throw new AuditWindowConfigError(
      `${AUDIT_WINDOW_ENV}: "${value}" is not a number of days (1 to 36500), or "all" to keep the whole log.`,
    );
  return days;
}

export const windowSince = (now: Date, days: number): Date => new Date(now.getTime() - days * DAY_MS);

/** What the status says about the window: null when the copy holds everything its reader may see. */
export function windowStatus(days: number | null, now: Date, heldAfter: number): AuditWindow | null {
  if (days === null && heldAfter === 0) return null;
  return { days, since: days === null ? null : windowSince(now, days).toISOString(), heldAfter };
}

export interface WindowDeps {
  days: number;
  api: Pick<ApiClient, 'auditSearch'>;
  store: Pick<WorkerClient<MirrorOps>, 'call'>;
  now: () => Date;
}

/**
 * A new copy does not fetch years the window would drop: it starts after the newest event
 * before the window (whose own hash must hold), so the first event it stores is linked to it.
 * A shop without GET /audit/search is synced from its start, as before.
 */
export async function startAtWindow(deps: WindowDeps, state: MirrorState): Promise<MirrorState> {
  const since = windowSince(deps.now(), deps.days);
  let newestBefore;
  try {
    newestBefore = (await deps.api.auditSearch({ to: since.toISOString(), limit: 1 })).events[0];
  } catch (error) {
    if (error instanceof ShopRefusedError && error.status === 404) return state;
    throw error;
  }
  if (!newestBefore) return state;
  if (computeEventHash(newestBefore) !== newestBefore.hash)
    throw new Error(
      `The shop's event ${String(newestBefore.seq)}, where this copy's window starts, does not match its hash.`,
    );
  return deps.store.call('startAt', { seq: newestBefore.seq, hash: newestBefore.hash });
}

/** The viewer's filter as the shop's search takes it; free text is this computer's alone. */
function searchQueryOf(filter: AuditFilter, window: AuditWindow): Partial<AuditSearchQuery> {
  if (filter.text?.trim()) {
    const kept = window.days === null ? 'this computer’s copy' : `the last ${String(window.days)} days`;
    throw new ConsoleRefusedError(
      'text_not_searchable',
      `Free text searches only ${kept}. Clear the text to search the shop's older history.`,
    );
  }
  const { staffId, customerId, sessionId, action, actionGroup, from, to } = filter;
  return { staffId, customerId, sessionId, action, actionGroup, from, to };
}

/**
 * One page of the filter over what the copy does not hold (seqs up to `heldAfter`), newest
 * first, from the shop; the shop checks the reader's permissions as for every other route.
 */
export async function olderFromShop(
  api: Pick<ApiClient, 'auditSearch'>,
  window: AuditWindow,
  filter: AuditFilter,
  before: number | null,
  limit: number,
  signal?: AbortSignal,
): Promise<AuditOlderPage> {
  const query = searchQueryOf(filter, window);
  const below = Math.min(before ?? window.heldAfter + 1, window.heldAfter + 1);
  if (below <= 1) return { events: [], nextBefore: null };
  return api.auditSearch({ ...query, before: below, limit }, { signal });
}
