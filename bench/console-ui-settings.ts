/** How the console-ui part types and scrolls, and its targets: read by its measuring and its report. */

export const SEARCH_TARGET_P95_MS = 150;
/** A filter's result (its first page shown), p95. */
export const FILTER_TARGET_P95_MS = 100;
/** The longest frame interval while scrolling. */
export const FRAME_TARGET_MAX_MS = 50;
export const TYPING_DELAY_MS = 70;
export const SCROLL_FRAMES = 240;
/** Rounds over every action choice, each in a reloaded page (so no answer comes from its cache). */
export const FILTER_ROUNDS = 3;
