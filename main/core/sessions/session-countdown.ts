import { bannerOf, type SessionEntries } from './session-entries';
import { countdownOf } from './session-presentation';
import type { ViewHost } from '../view-host';

/**
 * The local countdown of each open session, from the shop's deadlines: the banners follow every
 * tick, the tabs hear of a change, and at zero the shop is asked at once whether the session is over.
 */

export interface Countdown {
  tick: () => void;
}

export function createCountdown(deps: {
  now: () => number;
  entries: SessionEntries;
  viewHost: ViewHost;
  /** Asks the shop about every open session now. */
  pollNow: () => Promise<void>;
  log: (message: string) => void;
}): Countdown {
  const { now, entries, viewHost, log } = deps;
  return {
    tick() {
      let changed = false;
      let expired = false;
      for (const entry of entries.all()) {
        if (entry.state !== 'open') continue;
        const left = countdownOf(entry.session, now());
        if (left.idleSecondsLeft !== entry.idleSecondsLeft || left.maxSecondsLeft !== entry.maxSecondsLeft)
          changed = true;
        Object.assign(entry, left);
        if (left.secondsLeft === 0) expired = true;
        viewHost.update(bannerOf(entry));
      }
      if (changed) entries.emit();
      // The server decides when a session is over; at zero, ask it rather than wait for the next poll.
      if (expired)
        deps.pollNow().catch((error: unknown) => {
          log(`checking sessions at zero failed: ${String(error)}`);
        });
    },
  };
}
