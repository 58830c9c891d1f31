import type { AssistSession } from '../../shared/api/sessions';
import type { StreamMessage } from '../../shared/api/events';
import type { TokenSource } from './api/api-requests';
import { openEventStream, type EventStream, type StreamState } from './api/event-stream';

export interface LiveUpdatesOptions {
  shopUrl: () => string;
  tokens: () => TokenSource;
  /** A session this console may read changed (its own; everyone's for a supervisor). */
  onSession: (session: AssistSession) => void;
  /** The audit log this console may read grew: sync its mirror (at most once per `auditSyncGapMs`). */
  onAuditGrew: () => void;
  /** Live (again): catch up on whatever happened while the stream was not. */
  onLive: () => void;
  onState: (state: StreamState) => void;
  log: (message: string) => void;
  /** A supervisor's audit head moves with every page an agent opens: syncs are spaced this far apart. */
  auditSyncGapMs?: number;
}

export interface LiveUpdates {
  /** Opens the stream for whoever signed in (closing any earlier one). */
  start(): void;
  running(): boolean;
  stop(): void;
}

/**
 * The shop's event stream while someone is signed in: told at once of remote session ends, live
 * sessions and audit growth, so the console stops polling while it is live and polls again (and
 * shows "reconnecting") while it is not.
 */
export function createLiveUpdates(options: LiveUpdatesOptions): LiveUpdates {
  const gap = options.auditSyncGapMs ?? 2_000;
  let stream: EventStream | null = null;
  let auditTimer: NodeJS.Timeout | null = null;
  let lastAuditSync = 0;

  const auditGrew = () => {
    if (auditTimer) return;
    const wait = Math.max(0, lastAuditSync + gap - Date.now());
    auditTimer = setTimeout(() => {
      auditTimer = null;
      lastAuditSync = Date.now();
      options.onAuditGrew();
    }, wait);
  };
  const onMessage = (message: StreamMessage) => {
    if (message.event === 'session') options.onSession(message.data);
    else if (message.event === 'audit-head') auditGrew();
    else options.onLive();
  };
  const stop = () => {
    stream?.stop();
    stream = null;
    if (auditTimer) clearTimeout(auditTimer);
    auditTimer = null;
  };
  return {
    start() {
      stop();
      stream = openEventStream({
        shopUrl: options.shopUrl(),
        tokens: options.tokens(),
        onMessage,
        onState: options.onState,
        log: options.log,
      });
    },
    running: () => stream !== null,
    stop,
  };
}
