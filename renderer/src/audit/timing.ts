/** How long the audit viewer waits after the last keystroke in a filter field before it queries (also read by bench/console-ui.ts); a choice from a list applies at once. */
export const FILTER_DEBOUNCE_MS = 200;
