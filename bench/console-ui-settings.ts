/** How the console-ui part types and scrolls, and its search target: read by its measuring and its report. */

export const SEARCH_TARGET_P95_MS = 150;
export const TYPING_DELAY_MS = 70;
export const SCROLL_FRAMES = 240;
