import { BrowserWindow, shell } from 'electron';
import { originOf } from './app-protocol';

/** The console window: sandboxed, isolated, with the console preload and nothing else. */
export function createConsoleWindow(options: { preload: string; url: string; appOrigin: string }): BrowserWindow {
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
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => {
    callback(false);
  });
  window.once('ready-to-show', () => {
    window.show();
  });
  void window.loadURL(options.url);
  return window;
}
