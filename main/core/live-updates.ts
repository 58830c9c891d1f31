import type { AssistSession } from '../../shared/api/sessions';
import type { StreamMessage } from '../../shared/api/events';
import type { TokenSource } from './api/api-requests';
import { openEventStream, type EventStream, type StreamState } from './api/event-stream';
import { createAuditSyncPacer } from './audit-sync-pacer';

export interface LiveUpdatesOptions {
  shopUrl: () => string;
  tokens: () => TokenSource;
  /** A session this console may read changed (its own; everyone's for a supervisor). */
  onSession: (session: AssistSession) => void;
  /** The audit log this console may read grew: sync its mirror (paced: audit-sync-pacer.ts). */
  onAuditGrew: () => void;
  /** Live (again): catch up on whatever happened while the stream was not. */
  onLive: () => void;
  onState: (state: StreamState) => void;
  log: (message: string) => void;
  /** Between audit syncs while the audit screen is open (default 2 s). */
  auditSyncGapMs?: number;
  /** Between audit syncs while it is not (default 30 s, the background sync's pace before the stream). */
  backgroundAuditSyncGapMs?: number;
}

export interface LiveUpdates {
  /** Opens the stream for whoever signed in (closing any earlier one). */
  start(): void;
  running(): boolean;
  /** The audit screen opened or closed (`audit.watch`): its syncs follow the log's growth more closely. */
  watchAudit(watching: boolean): void;
  stop(): void;
}

/**
 * The shop's event stream while someone is signed in: told at once of remote session ends, live
 * sessions and audit growth, so the console stops polling while it is live and polls again (and
 * shows "reconnecting") while it is not.
 */
export function createLiveUpdates(options: LiveUpdatesOptions): LiveUpdates {
  let stream: EventStream | null = null;
  const pacer = createAuditSyncPacer({
    sync: options.onAuditGrew,
    watchedGapMs: options.auditSyncGapMs ?? 2_000,
    backgroundGapMs: options.backgroundAuditSyncGapMs ?? 30_000,
  });
  const onMessage = (message: StreamMessage) => {
    if (message.event === 'session') options.onSession(message.data);
    else if (message.event === 'audit-head') pacer.grew();
    else options.onLive();
  };
  const stop = () => {
    stream?.stop();
    stream = null;
    pacer.stop();
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
    watchAudit: (watching) => {
      pacer.watch(watching);
    },
    stop,
  };
}
