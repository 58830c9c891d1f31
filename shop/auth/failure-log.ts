/**
 * Where failed sign-in attempts are remembered, by key. Async so the process-memory store below
 * can move to PostgreSQL (a later issue) without changing its callers.
 */
export interface FailureLog {
  /**
   * Adds a failure at `at` under each key and returns, per key, the failure times still inside the
   * window, the new one included. One call is atomic, so concurrent attempts count each other.
   */
  add(keys: readonly string[], at: Date): Promise<number[][]>;
  /** The failure times inside the window under each key. */
  read(keys: readonly string[], now: Date): Promise<number[][]>;
  /** Takes back one failure added at `at` under each key: the attempt turned out not to fail. */
  remove(keys: readonly string[], at: Date): Promise<void>;
  /** Forgets every failure under `key`. */
  clear(key: string): Promise<void>;
}

export interface FailureLogLimits {
  /** How long a failure counts. */
  windowSeconds: number;
  /** The most failures kept per key; older ones cannot change any decision. */
  keep: number;
}

/** Expired keys are dropped every this many additions, so the map stays as small as the window. */
const SWEEP_EVERY = 1000;

/** A FailureLog in this process's memory: it starts empty when the shop restarts. */
export function memoryFailureLog(limits: FailureLogLimits): FailureLog {
  const entries = new Map<string, number[]>();
  const windowMs = limits.windowSeconds * 1000;
  let addsSinceSweep = 0;

  const recent = (key: string, now: number): number[] => {
    const times = entries.get(key)?.filter((t) => t > now - windowMs) ?? [];
    if (times.length === 0) entries.delete(key);
    else entries.set(key, times);
    return times;
  };
  const sweep = (now: number) => {
    for (const key of [...entries.keys()]) recent(key, now);
  };

  return {
    add: (keys, at) => {
      const now = at.getTime();
      addsSinceSweep += 1;
      if (addsSinceSweep >= SWEEP_EVERY) {
        addsSinceSweep = 0;
        sweep(now);
      }
      return Promise.resolve(
        keys.map((key) => {
          const times = [...recent(key, now), now].slice(-limits.keep);
          entries.set(key, times);
          return [...times];
        }),
      );
    },
    read: (keys, now) => Promise.resolve(keys.map((key) => [...recent(key, now.getTime())])),
    remove: (keys, at) => {
      for (const key of keys) {
        const times = entries.get(key);
        const index = times?.lastIndexOf(at.getTime()) ?? -1;
        if (times && index >= 0) times.splice(index, 1);
      }
      return Promise.resolve();
    },
    clear: (key) => {
      entries.delete(key);
      return Promise.resolve();
    },
  };
}
