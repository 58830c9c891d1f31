import type { AssistSession } from '../../shared/api/sessions';
import { loadSession, toAssistSession } from '../assist/session-row';
import type { Database } from '../db/database';

/** A new audit event as the streams need it: enough to decide who may be told. */
export interface FeedEvent {
  seq: number;
  action: string;
  actorId: string | null;
  actorType: string;
  sessionId: string | null;
}

/** One read of the log's growth: its new events in seq order, and each touched session as it now stands. */
export interface FeedBatch {
  events: FeedEvent[];
  sessions: ReadonlyMap<string, AssistSession>;
}

export interface FeedSubscriber {
  onBatch(batch: FeedBatch): void;
  /** Notifications may have been missed (the listening connection dropped): streams should resume afresh. */
  onGap(): void;
}

export interface AuditFeed {
  /** Starts listening on the first subscriber; the returned function unsubscribes. */
  subscribe(subscriber: FeedSubscriber): Promise<() => void>;
  /** The newest seq this process has read (0 before any). */
  head(): number;
  close(): Promise<void>;
}

/** Events read per query; also the most a resuming stream is replayed. */
export const PAGE = 1000;

/**
 * Every shop process keeps one feed: one LISTEN connection and, per burst of notifications, one
 * read of the rows after the last seq it read — whatever the number of streams it serves. Appends
 * commit in seq order (they hold AUDIT_LOCK until commit), so "after the last seq" misses nothing.
 */
export function createAuditFeed(db: Database): AuditFeed {
  const subscribers = new Set<FeedSubscriber>();
  let lastSeq = 0;
  let stopListening: (() => Promise<void>) | null = null;
  let starting: Promise<void> | null = null;
  let reading: Promise<void> | null = null;
  let again = false;

  const readNew = async () => {
    for (;;) {
      const batch = await readBatch(db, lastSeq, PAGE);
      const last = batch.events.at(-1);
      if (!last) return;
      lastSeq = last.seq;
      for (const subscriber of subscribers) subscriber.onBatch(batch);
      if (batch.events.length < PAGE) return;
    }
  };
  const onNotify = () => {
    if (reading) {
      again = true;
      return;
    }
    reading = readNew()
      .catch(() => {
        // A failed read is a gap: the streams resume and catch up from their last id.
        for (const subscriber of subscribers) subscriber.onGap();
      })
      .finally(() => {
        reading = null;
        if (again) {
          again = false;
          onNotify();
        }
      });
  };
  const start = async () => {
    const { rows } = await db.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM audit_events');
    lastSeq = rows[0]?.seq ?? 0;
    stopListening = await db.listen('concierge_audit', {
      onNotify,
      onGap: () => {
        for (const subscriber of subscribers) subscriber.onGap();
      },
    });
  };

  return {
    subscribe: async (subscriber) => {
      starting ??= start().catch((error: unknown) => {
        starting = null;
        throw error;
      });
      await starting;
      subscribers.add(subscriber);
      return () => {
        subscribers.delete(subscriber);
      };
    },
    head: () => lastSeq,
    close: async () => {
      subscribers.clear();
      await starting?.catch(() => undefined);
      await stopListening?.();
      await reading;
    },
  };
}

/** Up to `limit` events after `after`, with their sessions as committed now. */
export async function readBatch(db: Database, after: number, limit: number): Promise<FeedBatch> {
  const { rows } = await db.query<{
    seq: number;
    action: string;
    actor_id: string | null;
    actor_type: string;
    session_id: string | null;
  }>('SELECT seq, action, actor_id, actor_type, session_id FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2', [
    after,
    limit,
  ]);
  const events = rows.map((r) => ({
    seq: r.seq,
    action: r.action,
    actorId: r.actor_id,
    actorType: r.actor_type,
    sessionId: r.session_id,
  }));
  return { events, sessions: await sessionsOf(db, events) };
}

/** The sessions a batch's events belong to, each read once, as committed now. */
async function sessionsOf(db: Database, events: readonly FeedEvent[]): Promise<Map<string, AssistSession>> {
  const ids = [...new Set(events.flatMap((e) => (e.sessionId === null ? [] : [e.sessionId])))];
  const sessions = new Map<string, AssistSession>();
  for (const id of ids) {
    const row = await loadSession(db, id);
    if (row) sessions.set(id, toAssistSession(row));
  }
  return sessions;
}
