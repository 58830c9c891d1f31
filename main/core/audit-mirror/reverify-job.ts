import { setTimeout as sleep } from 'node:timers/promises';
import { REVERIFY_NOTICE_MS, type ReverifyNotice } from './protocol';
import type { AuditStore } from './store';

/** A background job of the store thread (worker.ts, backgroundJob): one step at a time, quiet between steps. */
export interface BackgroundJob {
  running(): Promise<void> | null;
  idle(): Promise<void>;
  start(store: AuditStore): Promise<void>;
}

export interface ReverifyJobDeps {
  backgroundJob: (step: (store: AuditStore) => Promise<boolean>) => BackgroundJob;
  /** Posts a notice to the main thread. */
  post: (notice: ReverifyNotice) => void;
  /** A sync is storing pages. */
  syncing: () => boolean;
  closing: () => boolean;
  /** How long a step waits while a sync stores pages. */
  pauseMs: number;
}

/**
 * The store thread's re-verification pass (reverify.ts) as a background job, one chunk per
 * step, its progress posted as a ReverifyNotice at most every REVERIFY_NOTICE_MS and at its end.
 * It waits while a sync stores pages: that keeps the sync fast, and a problem it records changes
 * the chain state the sync's next page was verified from (the store would refuse that page).
 */
export function reverifyJob({ backgroundJob, post, syncing, closing, pauseMs }: ReverifyJobDeps) {
  let noticeAt = 0;
  const notice = async (store: AuditStore): Promise<ReverifyNotice> => ({
    notice: 'reverify',
    reverify: store.reverify.status(),
    state: await store.state(),
  });
  const job = backgroundJob(async (store) => {
    if (store.reverify.status().state !== 'running') return false;
    if (syncing()) {
      await sleep(pauseMs);
      return true;
    }
    // A step that failed ended the pass: the notice says it is no longer running.
    const more = await store.reverify.step().catch(() => false);
    if (!more || Date.now() - noticeAt >= REVERIFY_NOTICE_MS) {
      post(await notice(store));
      noticeAt = Date.now();
    }
    return more;
  });
  return {
    job,
    /** Starts a pass unless one is under way (then it carries on); answers with its status at once. */
    start: async (store: AuditStore): Promise<ReverifyNotice> => {
      await store.reverify.begin();
      // A run that is just ending may not see the new pass: it is then started again after it.
      void job
        .idle()
        .then(() => (closing() ? undefined : job.start(store)))
        .catch(() => undefined);
      return notice(store);
    },
  };
}
