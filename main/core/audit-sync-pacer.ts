/**
 * When the shop says the audit log grew, sync the mirror, but at most once per gap: a short one
 * while someone has the audit screen open (what they read stays seconds behind the shop), the
 * background polling's own pace otherwise (a supervisor's log grows with every page an agent opens,
 * and an unwatched copy gains nothing from a sync every two seconds).
 */
export interface AuditSyncPacerOptions {
  sync: () => void;
  /** Between syncs while the audit screen is open. */
  watchedGapMs: number;
  /** Between syncs while it is not. */
  backgroundGapMs: number;
  now?: () => number;
}

export interface AuditSyncPacer {
  /** The log grew: sync now or once the gap since the last sync has passed. */
  grew(): void;
  /** The audit screen opened or closed; a sync already waiting is brought forward to the shorter gap. */
  watch(watching: boolean): void;
  stop(): void;
}

export function createAuditSyncPacer(options: AuditSyncPacerOptions): AuditSyncPacer {
  const now = options.now ?? Date.now;
  let watching = false;
  let lastSync = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | null = null;

  const gap = () => (watching ? options.watchedGapMs : options.backgroundGapMs);
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(
      () => {
        timer = null;
        lastSync = now();
        options.sync();
      },
      Math.max(0, lastSync + gap() - now()),
    );
  };
  return {
    grew() {
      if (!timer) schedule();
    },
    watch(next) {
      watching = next;
      if (timer) schedule();
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
