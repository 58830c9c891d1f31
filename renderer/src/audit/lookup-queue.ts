/**
 * At most `max` lookups in flight; the rest wait their turn, and one whose caller gave up (its
 * row scrolled away) leaves the queue without running. The audit viewer names each row's
 * customer: scrolling past hundreds of customers must not take every connection the browser
 * keeps to the console, or the viewer's own page requests wait behind the names.
 */
export interface LookupQueue {
  run<T>(lookup: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export function createLookupQueue(max: number): LookupQueue {
  let running = 0;
  const waiting: (() => void)[] = [];

  const next = () => {
    running -= 1;
    waiting.shift()?.();
  };

  return {
    async run<T>(lookup: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      if (running >= max) {
        await new Promise<void>((resolve, reject) => {
          const start = () => {
            signal?.removeEventListener('abort', leave);
            resolve();
          };
          const leave = () => {
            const at = waiting.indexOf(start);
            if (at >= 0) waiting.splice(at, 1);
            reject(signal?.reason instanceof Error ? signal.reason : new DOMException('Aborted', 'AbortError'));
          };
          if (signal?.aborted) {
            leave();
            return;
          }
          signal?.addEventListener('abort', leave, { once: true });
          waiting.push(start);
        });
      }
      running += 1;
      try {
        return await lookup();
      } finally {
        next();
      }
    },
  };
}
