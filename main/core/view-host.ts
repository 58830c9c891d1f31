import type { BannerState, Bounds, OpenSession } from '../../shared/ipc/contract';
import type { NavigationPolicy } from './navigation-policy';
import type { ViewTrouble } from './sessions/session-view-problems';
import type { PartitionSlot } from './partition-pool';

/**
 * Where assisted storefronts are shown. The Electron host gives each session a sandboxed
 * WebContentsView on a pooled in-memory partition with a banner view above it; the browser-tier
 * host gives each session its own Playwright BrowserContext. The session manager drives either.
 */

export interface ViewEvents {
  /** The agent did something in the storefront (input, navigation): feeds the heartbeat. */
  onActivity(): void;
  /** The agent pressed "End session" in the banner. */
  onEndRequested(): void;
  /** The agent pressed "I'm still here" in the banner (Electron's banner view). */
  onKeepAliveRequested?(): void;
  /** The storefront crashed, hangs or was refused (trouble), or shows a page again (null). */
  onTrouble(trouble: ViewTrouble | null): void;
}

export interface ViewHost {
  /** Opens the session's storefront at `url` (the handoff URL) inside `slot`, enforcing `policy`. */
  open(
    session: OpenSession,
    slot: PartitionSlot,
    url: string,
    policy: NavigationPolicy,
    events: ViewEvents,
  ): Promise<void>;
  /** Shows this session's view in `bounds` of the console window and hides the others; null hides all. */
  show(sessionId: string | null, bounds?: Bounds): void;
  /** Pushes the banner's state (countdown, state) to the session's banner. */
  update(state: BannerState): void;
  /** Loads the session's current page again (after a mode switch, so its controls match the new mode). */
  reload(sessionId: string): Promise<void>;
  /**
   * Tears the session's view down, resolving once its pages are destroyed (rejects when they were
   * not: its partition is then retired, never wiped for reuse); the partition is wiped separately.
   */
  close(sessionId: string): Promise<void>;
  /** Removes everything the partition holds and checks nothing is left (the partition pool's wiper); rejects otherwise. */
  wipe(partition: string): Promise<void>;
}
