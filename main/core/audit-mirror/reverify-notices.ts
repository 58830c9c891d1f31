import type { Worker } from 'node:worker_threads';
import type { Logger } from '../logging';
import { isReverifyNotice } from './protocol';
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
