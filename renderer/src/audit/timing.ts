/** How long the audit viewer waits after the last filter change before it queries (also read by bench/console-ui.ts). */
export const FILTER_DEBOUNCE_MS = 200;
