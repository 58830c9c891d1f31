import { useSyncExternalStore } from 'react';

/**
 * Whether a console dialog is open over the session's area. Electron lays the storefront and banner
 * views over the console window, above any of its HTML, so they step aside while a dialog is up.
 */

let covers = 0;
const listeners = new Set<() => void>();

function changed(by: number): void {
  covers += by;
  for (const listener of listeners) listener();
}

/** Marks a dialog as open; call the answer when it closes. */
export function coverViews(): () => void {
  changed(1);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    changed(-1);
  };
}

export function useViewsCovered(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    () => covers > 0,
  );
}
