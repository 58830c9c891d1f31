/**
 * Events per page the audit viewer asks the mirror for (also read by bench/console-ui-report.ts). A
 * page covers a screenful or two of rows (28 px each), not more: each event on a page is a read
 * in the mirror, and the first page of a new filter is what the agent waits for.
 */
export const AUDIT_PAGE = 50;

/** Events the session timeline asks for at once; a longer session says it shows only the first ones. */
export const TIMELINE_LIMIT = 500;

/** Events per page of history older than the mirror holds, asked of the shop ("Load older events"). */
export const OLDER_PAGE = 100;
