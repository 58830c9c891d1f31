import { END_SESSION_SHORTCUT, type Bounds } from '../../shared/ipc/contract';

/**
 * The desktop window's rules, as pure functions the Electron glue applies: which keys the console
 * swallows, which input counts as the agent's activity, the application menu, and where a
 * session's banner and storefront go in the window.
 */

/** The fields of Electron's `Input` (before-input-event) the rules read. */
export interface KeyInput {
  type: string;
  key: string;
  control: boolean;
  meta: boolean;
  shift: boolean;
  alt: boolean;
}

/** Reload and zoom keys: reloading drops the console's state mid-call, zoom misplaces the views over it. */
export function isSwallowedConsoleKey(input: KeyInput): boolean {
  if (!isKeyPress(input)) return false;
  const key = input.key.toLowerCase();
  if (key === 'f5' || key === 'browserrefresh') return true;
  const command = input.control || input.meta;
  if (!command || input.alt) return false;
  return key === 'r' || key === '+' || key === '=' || key === '-' || key === '_' || key === '0';
}

const isKeyPress = (input: KeyInput) => input.type === 'keyDown' || input.type === 'rawKeyDown';

/** Ctrl+Shift+E (END_SESSION_SHORTCUT) pressed in a session's storefront or banner view. */
export function isEndShortcutInput(input: KeyInput): boolean {
  const s = END_SESSION_SHORTCUT;
  return (
    isKeyPress(input) &&
    input.key.toLowerCase() === s.key &&
    input.control === s.ctrl &&
    input.shift === s.shift &&
    input.alt === s.alt
  );
}

/**
 * The storefront input that counts as the agent's activity for the idle timeout. Chromium sends a
 * key as `rawKeyDown` then `char`; `keyDown` alone would miss typing.
 */
const ACTIVITY_INPUT = new Set(['mouseDown', 'rawKeyDown', 'keyDown', 'char', 'mouseWheel', 'touchStart']);
export function isActivityInput(type: string): boolean {
  return ACTIVITY_INPUT.has(type);
}

/** The menu roles used below; each is one of Electron's `MenuItemConstructorOptions['role']`. */
export type MenuRole =
  | 'about'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'minimize'
  | 'close'
  | 'toggleDevTools';

export interface MenuEntry {
  label?: string;
  role?: MenuRole;
  type?: 'separator';
  submenu?: MenuEntry[];
}

/**
 * The application menu: the edit roles (copy and paste need them on macOS), window and quit;
 * no Reload, zoom or full-screen items, and DevTools only in an unpackaged build.
 */
export function appMenuTemplate(options: { packaged: boolean; platform: NodeJS.Platform }): MenuEntry[] {
  const mac = options.platform === 'darwin';
  const menu: MenuEntry[] = [];
  if (mac)
    menu.push({
      label: 'Concierge',
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  else menu.push({ label: 'File', submenu: [{ role: 'quit' }] });
  menu.push({
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  });
  menu.push({ label: 'Window', submenu: [{ role: 'minimize' }, { role: 'close' }] });
  if (!options.packaged) menu.push({ label: 'Develop', submenu: [{ role: 'toggleDevTools' }] });
  return menu;
}

export interface Size {
  width: number;
  height: number;
}

export interface SessionViewBounds {
  banner: Bounds;
  storefront: Bounds;
}

/**
 * Where a session's banner and storefront go, in window pixels: the area the console page
 * reported (CSS pixels, scaled by its zoom factor), clamped to the window's content size, the
 * banner across its top and the storefront below. Nothing the page reports can move the
 * banner off the storefront or either view outside the window.
 */
export function sessionViewBounds(
  reported: Bounds,
  zoomFactor: number,
  content: Size,
  bannerHeight: number,
): SessionViewBounds {
  const zoom = Number.isFinite(zoomFactor) && zoomFactor > 0 ? zoomFactor : 1;
  const clamp = (value: number, max: number) => Math.min(Math.max(0, Math.round(value)), Math.max(0, max));
  const x = clamp(reported.x * zoom, content.width);
  const y = clamp(reported.y * zoom, content.height);
  const width = clamp(reported.width * zoom, content.width - x);
  const height = clamp(reported.height * zoom, content.height - y);
  const banner = Math.min(bannerHeight, height);
  return {
    banner: { x, y, width, height: banner },
    storefront: { x, y: y + banner, width, height: height - banner },
  };
}

/** Leftovers a wiped partition must not hold; a message naming them, or null when it is empty. */
export function partitionLeftovers(
  partition: string,
  found: { cookies: number; serviceWorkers: number },
): string | null {
  const left = [
    found.cookies > 0 ? `${found.cookies} cookie${found.cookies === 1 ? '' : 's'}` : null,
    found.serviceWorkers > 0 ? `${found.serviceWorkers} service worker${found.serviceWorkers === 1 ? '' : 's'}` : null,
  ].filter((part) => part !== null);
  return left.length === 0 ? null : `${partition} still holds ${left.join(' and ')} after wiping`;
}
