/**
 * The channel names the preloads and main's IPC registration agree on. Contract calls travel as
 * `ipc:<channel>`, contract events as `event:<name>`; the banner has its own three.
 */
export const invokeChannel = (channel: string): string => `ipc:${channel}`;
export const eventChannel = (event: string): string => `event:${event}`;
export const BANNER_END = 'banner:end';
export const BANNER_KEEP_ALIVE = 'banner:keep-alive';
export const BANNER_STATE = 'banner:state';
