import type { Worker } from 'node:worker_threads';
import type { Logger } from '../logging';
import { isReverifyNotice, isStateNotice } from './protocol';
import type { SyncStatusTracker } from './sync-status';

/**
 * The store thread's re-verification progress (ReverifyNotice, posted unasked) into the status
 * the console shows; a pass that ends with a problem is logged, once.
 */
export function followReverifyNotices(
  worker: Worker,
  status: Pick<SyncStatusTracker, 'setReverify' | 'publish' | 'last'>,
  logger?: Pick<Logger, 'error'>,
): void {
  worker.on('message', (message: unknown) => {
    if (!isReverifyNotice(message)) return;
    const { reverify, state } = message;
    status.setReverify(reverify);
    const ended = reverify.state === 'idle';
    // At its end the pass may have recorded a bad seq: the state read with the notice has it.
    status.publish(ended ? state : (status.last() ?? state));
    if (ended && reverify.problem)
      logger?.error(
        { seq: reverify.problem.seq, problem: reverify.problem.problem },
        'audit re-verification: a stored event no longer verifies',
      );
  });
}

/**
 * The store's state after background work that changed it (events dropped from the window's
 * far end, retention.ts), so the status shows the copy as it is. A state older than the one
 * shown (a sync stored pages meanwhile) is not shown: the next one carries the change too.
 */
export function followStateNotices(worker: Worker, status: Pick<SyncStatusTracker, 'publish' | 'last'>): void {
  worker.on('message', (message: unknown) => {
    if (!isStateNotice(message)) return;
    const last = status.last();
    if (last && message.state.cursor < last.cursor) return;
    status.publish(message.state);
  });
}
