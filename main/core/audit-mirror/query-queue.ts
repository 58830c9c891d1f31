import type { AuditEvent } from '../../../shared/api/audit';
import type { AuditFilter } from '../../../shared/ipc/contract';
import type { MirrorOps } from './protocol';
import type { WorkerClient } from './worker-client';

export type QueueQuery = (
  filter: AuditFilter,
  offset: number,
  limit: number,
  signal?: AbortSignal,
) => Promise<{ total: number; events: AuditEvent[] }>;

/**
 * Viewer queries go to the worker one at a time (PGlite answers them one at a time anyway),
 * so one whose caller gave up while it waited (the agent typed on) is dropped here unrun; one
 * already running is told to stop (a long one stops at its next step) and its caller is
 * answered at once.
 */
export function queryQueue(store: Pick<WorkerClient<MirrorOps>, 'send' | 'call'>): QueueQuery {
  const waiting: { start: () => void }[] = [];
  let querying = false;
  const next = () => {
    if (!querying) waiting.shift()?.start();
  };
  return (filter, offset, limit, signal) => {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise((resolve, reject) => {
      const abandon = () => {
        const at = waiting.indexOf(entry);
        if (at < 0) return;
        waiting.splice(at, 1);
        reject(signal?.reason as Error);
      };
      const entry = {
        start: () => {
          signal?.removeEventListener('abort', abandon);
          querying = true;
          const sent = store.send('query', { filter, offset, limit });
          const stop = () => {
            void store.call('cancel', { id: sent.id }).catch(() => undefined);
            reject(signal?.reason as Error);
          };
          signal?.addEventListener('abort', stop, { once: true });
          sent.result.then(resolve, reject).finally(() => {
            signal?.removeEventListener('abort', stop);
            querying = false;
            next();
          });
        },
      };
      signal?.addEventListener('abort', abandon, { once: true });
      waiting.push(entry);
      next();
    });
  };
}
