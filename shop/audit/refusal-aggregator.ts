import type { AuditAction } from '../../shared/api/audit';
import type { Database } from '../db/database';
import type { Clock } from '../lib/clock';
import { appendAudit, type AuditInput } from './append';

/** The refusals counted here; each keeps its own action name in the log. */
export type RefusalAction = Extract<
  AuditAction,
  'access.denied' | 'session.handoff_refused' | 'session.action_refused'
>;

export interface Refusal {
  action: RefusalAction;
  /** Who was refused; null when nobody is known (say, an unknown handoff code): the address stands in. */
  staff: { id: string; name: string } | null;
  /** Method and route pattern (`GET /api/v1/settings`), never a URL with its query. */
  route: string;
  reason: string;
  address: string;
  userAgent: string | null;
  customerId?: string | null;
  sessionId?: string | null;
  /** Further details of the event, taken from the first refusal it counts. */
  details?: Record<string, unknown>;
}

export interface RefusalRecorder {
  /** Counts a refusal; when it is the first of its window, its event is written before this resolves. */
  record(refusal: Refusal): Promise<void>;
  /** Writes every count held back, now; the shop calls it when it closes. */
  flush(): Promise<void>;
}

export interface RefusalOptions {
  windowMs?: number;
  /** How often (real time) windows are checked for their end while any is open. */
  tickMs?: number;
  /** Open windows of unknown callers, one per address, before further addresses share one. */
  maxUnknownKeys?: number;
}

export const REFUSAL_WINDOW_MS = 60_000;

/** The key address of unknown callers past `maxUnknownKeys` in one window: many addresses. */
export const MANY_ADDRESSES = '*';

const UNKNOWN_ACTOR = { type: 'system' as const, id: null, name: 'unknown' };

interface Window {
  closesAt: number;
  unknown: boolean;
  folded: { sample: Refusal; count: number; firstAt: Date; lastAt: Date } | null;
}

const keyOf = (r: Refusal) =>
  JSON.stringify([
    r.action,
    r.staff?.id ?? null,
    r.staff ? null : r.address,
    r.route,
    r.reason,
    r.sessionId ?? null,
    r.customerId ?? null,
  ]);

function eventOf(r: Refusal, count: number, firstAt: Date, lastAt: Date): AuditInput {
  return {
    action: r.action,
    actor: r.staff ? { type: 'staff', id: r.staff.id, name: r.staff.name } : UNKNOWN_ACTOR,
    customerId: r.customerId ?? null,
    sessionId: r.sessionId ?? null,
    ip: r.address === MANY_ADDRESSES ? null : r.address,
    userAgent: r.userAgent,
    details: {
      ...r.details,
      route: r.route,
      reason: r.reason,
      count,
      firstAt: firstAt.toISOString(),
      lastAt: lastAt.toISOString(),
      address: r.address,
    },
  };
}

/**
 * Refusals as audit events, at most two per key (caller or unknown address, route, reason) and
 * window: the first at once with count 1, the rest of the window as one event with their count
 * when it ends (or at the next refusal after it, or flush), so a flood cannot grow the log unbounded.
 */
export function refusalAggregator(deps: { db: Database; clock: Clock }, options: RefusalOptions = {}): RefusalRecorder {
  const windowMs = options.windowMs ?? REFUSAL_WINDOW_MS;
  const maxUnknownKeys = options.maxUnknownKeys ?? 1000;
  const windows = new Map<string, Window>();
  let openUnknown = 0;
  // Events waiting to be written, in order; kept until written, so a failed write is retried.
  const queue: AuditInput[] = [];
  let writing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;

  // One write at a time: the queue's order is the log's order, and no event is written twice.
  function drain(): Promise<void> {
    const run = writing.then(async () => {
      const batch = queue.slice();
      if (batch.length === 0) return;
      await deps.db.transaction(async (tx) => {
        for (const event of batch) await appendAudit(tx, deps.clock, event);
      });
      queue.splice(0, batch.length);
    });
    writing = run.catch(() => undefined);
    return run;
  }

  function close(key: string, window: Window): void {
    windows.delete(key);
    if (window.unknown) openUnknown -= 1;
    const { folded } = window;
    if (folded) queue.push(eventOf(folded.sample, folded.count, folded.firstAt, folded.lastAt));
  }

  /** Closes the windows that have ended; true when that queued an event. */
  function closeDue(now: number): boolean {
    const before = queue.length;
    // Windows open in time order, so they close in that order: stop at the first still open.
    for (const [key, window] of windows) {
      if (window.closesAt > now) break;
      close(key, window);
    }
    return queue.length > before;
  }

  function tick(): void {
    // A failed write stays queued for the next tick; flush() at shutdown reports it.
    if (closeDue(deps.clock.now().getTime()) || queue.length > 0) drain().catch(() => undefined);
    if (windows.size === 0 && queue.length === 0) stopTicking();
  }

  function stopTicking(): void {
    if (timer) clearInterval(timer);
    timer = null;
  }

  /** Unknown callers beyond the cap share one key, so many addresses cannot mean many events. */
  function capped(refusal: Refusal): Refusal {
    if (refusal.staff || openUnknown < maxUnknownKeys || windows.has(keyOf(refusal))) return refusal;
    return { ...refusal, address: MANY_ADDRESSES };
  }

  return {
    async record(refusal) {
      const now = deps.clock.now();
      const closed = closeDue(now.getTime());
      const r = capped(refusal);
      const key = keyOf(r);
      const open = windows.get(key);
      if (open?.folded) {
        open.folded.count += 1;
        open.folded.lastAt = now;
      } else if (open) {
        open.folded = { sample: r, count: 1, firstAt: now, lastAt: now };
      } else {
        windows.set(key, { closesAt: now.getTime() + windowMs, unknown: r.staff === null, folded: null });
        if (r.staff === null) openUnknown += 1;
        queue.push(eventOf(r, 1, now, now));
      }
      if (timer === null) {
        timer = setInterval(tick, options.tickMs ?? 1000);
        timer.unref();
      }
      if (closed || !open) await drain();
    },

    async flush() {
      for (const [key, window] of windows) close(key, window);
      stopTicking();
      await drain();
    },
  };
}
