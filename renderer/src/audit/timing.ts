/**
 * How long the audit viewer waits after the last keystroke in a filter field before it queries
 * (also read by bench/console-ui-report.ts): an id, a date, or text shorter than
 * FILTER_TEXT_IMMEDIATE_MIN_CHARS, and the customer picker's search. A choice from a list
 * applies at once.
 */
export const FILTER_DEBOUNCE_MS = 200;
/**
 * Text this long is queried on every keystroke, as search as you type is: a query the viewer no
 * longer shows is cancelled (the mirror drops it if it has not started, and stops it at its
 * next step if it has), so typing never queues work. Shorter text waits for a pause.
 */
export const FILTER_TEXT_IMMEDIATE_MIN_CHARS = 3;
