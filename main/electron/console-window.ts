import { BrowserWindow, shell } from 'electron';
import { isSwallowedConsoleKey } from '../core/window-policy';
import { originOf } from './app-protocol';

/** The console window: sandboxed, isolated, with the console preload and nothing else. */
export function createConsoleWindow(options: {
  preload: string;
  url: string;
  appOrigin: string;
  /** DevTools only in a development build (`!app.isPackaged`). */
  devTools: boolean;
  /** The page's zoom changed: the session views are laid out again. */
  onZoomChanged: () => void;
}): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 920,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'Concierge',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      devTools: options.devTools,
    },
  });
  const contents = window.webContents;
  // The console never leaves its own pages; links to elsewhere open in the system browser.
  contents.on('will-navigate', (event) => {
    if (originOf(event.url) !== options.appOrigin) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  // Reload drops what the agent was doing mid-call; zoom would move the views off their places.
  contents.on('before-input-event', (event, input) => {
    if (isSwallowedConsoleKey(input)) event.preventDefault();
  });
  // Pinch and Ctrl+wheel zoom stay at 100 %; a zoom that happens anyway re-lays the views (scaled).
  contents.on('did-finish-load', () => {
    void contents.setVisualZoomLevelLimits(1, 1).catch(() => undefined);
    contents.setZoomFactor(1);
    options.onZoomChanged();
  });
  contents.on('zoom-changed', () => {
    contents.setZoomFactor(1);
    options.onZoomChanged();
  });
  window.once('ready-to-show', () => {
    window.show();
  });
  void window.loadURL(options.url);
  return window;
}
