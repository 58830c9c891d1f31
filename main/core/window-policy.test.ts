import { describe, expect, it } from 'vitest';
import {
  appMenuTemplate,
  isActivityInput,
  isEndShortcutInput,
  isSwallowedConsoleKey,
  partitionLeftovers,
  sessionViewBounds,
  type KeyInput,
  type MenuEntry,
} from './window-policy';

const key = (k: string, mods: Partial<KeyInput> = {}): KeyInput => ({
  type: 'keyDown',
  key: k,
  control: false,
  meta: false,
  shift: false,
  alt: false,
  ...mods,
});

const roles = (menu: MenuEntry[]): string[] =>
  menu.flatMap((entry) => [...(entry.role ? [entry.role] : []), ...roles(entry.submenu ?? [])]);

describe('window policy', () => {
  it('swallows reload and zoom keys in the console, and nothing an agent types', () => {
    for (const input of [
      key('F5'),
      key('r', { control: true }),
      key('R', { control: true, shift: true }),
      key('r', { meta: true }),
      key('=', { control: true }),
      key('+', { control: true, shift: true }),
      key('-', { control: true }),
      key('0', { meta: true }),
      { ...key('F5'), type: 'rawKeyDown' },
    ])
      expect(isSwallowedConsoleKey(input), JSON.stringify(input)).toBe(true);
    for (const input of [
      key('r'),
      key('0'),
      key('c', { control: true }),
      key('k', { control: true }),
      key('r', { control: true, alt: true }),
      { ...key('F5'), type: 'keyUp' },
      { ...key('r', { control: true }), type: 'char' },
    ])
      expect(isSwallowedConsoleKey(input), JSON.stringify(input)).toBe(false);
  });

  it('knows the end-session shortcut as a keyDown or a rawKeyDown, and nothing near it', () => {
    expect(isEndShortcutInput(key('E', { control: true, shift: true }))).toBe(true);
    expect(isEndShortcutInput({ ...key('e', { control: true, shift: true }), type: 'rawKeyDown' })).toBe(true);
    expect(isEndShortcutInput(key('e', { control: true }))).toBe(false);
    expect(isEndShortcutInput(key('e', { control: true, shift: true, alt: true }))).toBe(false);
    expect(isEndShortcutInput({ ...key('e', { control: true, shift: true }), type: 'keyUp' })).toBe(false);
  });

  it('counts typing (rawKeyDown and char), clicks, wheel and touch as activity, not mouse moves', () => {
    for (const type of ['rawKeyDown', 'char', 'keyDown', 'mouseDown', 'mouseWheel', 'touchStart'])
      expect(isActivityInput(type)).toBe(true);
    for (const type of ['mouseMove', 'mouseEnter', 'keyUp', 'mouseUp']) expect(isActivityInput(type)).toBe(false);
  });

  it('builds a menu without reload or zoom, and DevTools only when not packaged', () => {
    const packaged = roles(appMenuTemplate({ packaged: true, platform: 'linux' }));
    expect(packaged).toEqual(expect.arrayContaining(['quit', 'copy', 'paste', 'selectAll', 'minimize', 'close']));
    for (const role of [
      'reload',
      'forceReload',
      'toggleDevTools',
      'zoomIn',
      'zoomOut',
      'resetZoom',
      'togglefullscreen',
    ])
      expect(packaged).not.toContain(role);
    expect(roles(appMenuTemplate({ packaged: false, platform: 'linux' }))).toContain('toggleDevTools');
    const mac = appMenuTemplate({ packaged: true, platform: 'darwin' });
    expect(mac[0]?.label).toBe('Concierge');
    expect(roles(mac)).toEqual(expect.arrayContaining(['about', 'hide', 'quit']));
  });

  it('places the banner over the storefront in window pixels, scaled by the zoom and inside the window', () => {
    const content = { width: 1440, height: 900 };
    expect(sessionViewBounds({ x: 240, y: 120, width: 1200, height: 780 }, 1, content, 44)).toEqual({
      banner: { x: 240, y: 120, width: 1200, height: 44 },
      storefront: { x: 240, y: 164, width: 1200, height: 736 },
    });
    // The page zoomed to 125 %: its CSS pixels are 1.25 window pixels.
    expect(sessionViewBounds({ x: 200, y: 100, width: 800, height: 600 }, 1.25, content, 44)).toEqual({
      banner: { x: 250, y: 125, width: 1000, height: 44 },
      storefront: { x: 250, y: 169, width: 1000, height: 706 },
    });
    // Reported past the window's edge: clamped, never outside it.
    const outside = sessionViewBounds({ x: 1400, y: 880, width: 900, height: 900 }, 1, content, 44);
    expect(outside.banner).toEqual({ x: 1400, y: 880, width: 40, height: 20 });
    expect(outside.storefront).toEqual({ x: 1400, y: 900, width: 40, height: 0 });
    // A zoom factor that is not one is read as 1.
    expect(sessionViewBounds({ x: 0, y: 0, width: 10, height: 100 }, Number.NaN, content, 44).storefront.height).toBe(
      56,
    );
  });

  it('names what a wiped partition still holds', () => {
    expect(partitionLeftovers('assist-slot-0', { cookies: 0, serviceWorkers: 0 })).toBeNull();
    expect(partitionLeftovers('assist-slot-1', { cookies: 1, serviceWorkers: 2 })).toBe(
      'assist-slot-1 still holds 1 cookie and 2 service workers after wiping',
    );
  });
});
