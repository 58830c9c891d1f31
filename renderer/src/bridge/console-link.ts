import type { ConsoleLink } from '../../../shared/ipc/contract';

/** What the page knows of its link to the browser-tier console (ConsoleLinkNotice shows it). */
export interface ConsoleLinkWatch {
  current(): ConsoleLink;
  /** The listener hears each change (the shape useSyncExternalStore takes). */
  subscribe(listener: () => void): () => void;
}

export interface LinkState extends ConsoleLinkWatch {
  /** A run of the console answered (the event stream's hello, or the hello probe). */
  hello(instanceId: string): void;
  /** The console does not answer. */
  unreachable(): void;
  /** The console refused the page's token: it restarted with a new one. */
  refused(): void;
}

/**
 * The link's state from what the bridge sees. The first run to answer is the page's own; a later
 * answer from another run means the page's state is stale (`restarted`) until it is reloaded.
 */
export function createLinkState(): LinkState {
  let first: string | null = null;
  let latest: string | null = null;
  let down = false;
  let refused = false;
  let state: ConsoleLink = 'connecting';
  const listeners = new Set<() => void>();

  function update(): void {
    const next: ConsoleLink = refused
      ? 'token_changed'
      : down
        ? 'stopped'
        : latest === null
          ? 'connecting'
          : latest === first
            ? 'connected'
            : 'restarted';
    if (next === state) return;
    state = next;
    for (const listener of [...listeners]) listener();
  }

  return {
    current: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    hello(instanceId) {
      first ??= instanceId;
      latest = instanceId;
      down = false;
      update();
    },
    unreachable() {
      down = true;
      update();
    },
    refused() {
      refused = true;
      update();
    },
  };
}
