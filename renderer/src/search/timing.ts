/** When search as you type sends a query (also read by bench/console-ui-report.ts). */

/**
 * Queries this long go out on every keystroke, with no debounce: the search box's previous request
 * is aborted (react-query cancels the query nobody shows any more; in the browser tier that aborts
 * the bridge request and the console's request to the shop), so a keystroke's results can be on
 * screen within 150 ms (docs/PERFORMANCE.md) and a stale answer never paints nor queues.
 */
export const SEARCH_IMMEDIATE_MIN_CHARS = 3;
/**
 * Shorter queries wait until typing pauses this long: one or two characters match a large share
 * of the customers, cost the shop the most (hundreds of ms on a million customers) and are
 * rarely what the agent means, so they are not sent while the agent is still typing.
 */
export const SHORT_QUERY_DEBOUNCE_MS = 250;
