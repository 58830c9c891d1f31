import { app, dialog, Menu, session as electronSession, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditFoldersIn, BACKGROUND_SYNC_INTERVAL_MS, createAuditPort } from '../core/audit-port';
import { configuredSigningKeys } from '../core/audit-mirror/key-pins';
import { configuredWindowDays } from '../core/audit-mirror/window';
import { BUILT_TEMPLATE_MAKER_FILE } from '../core/audit-mirror/template';
import { BUILT_WORKER_FILE } from '../core/audit-mirror/worker-client';
import { utilityTemplateMaker } from './template-maker';
import { asLogFn, createLogging } from '../core/logging';
import { ensurePrivateDir } from '../core/private-dir';
import { guardProcess } from '../core/process-guard';
import { createConsoleCore } from '../core/console-core';
import { savedExports } from '../core/ipc-handlers';
import { createVault } from '../core/vault';
import { APP_ORIGIN, originOf, registerAppScheme, serveRenderer } from './app-protocol';
import { createConsoleWindow } from './console-window';
import { registerIpc, sendEvent } from './ipc';
import { shopUrlsFrom } from '../core/shop-url';
import { appMenuTemplate } from '../core/window-policy';
import { createElectronViewHost, denyDevicesAndPermissions, type ElectronViewHost } from './view-host-electron';

/**
 * App lifecycle: one instance, one console window, the core wired to Electron's views and IPC,
 * and every open session ended at the shop (awaited) before the app quits. Logic lives in
 * main/core; this file attaches it to Electron's events.
 */
const here = fileURLToPath(new URL('.', import.meta.url));

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  let window: BrowserWindow | null = null;
  let viewHost: ElectronViewHost | null = null;
  // Set once the core exists; until then there is no session to end and quitting goes ahead.
  let endEverything: (() => Promise<void>) | null = null;
  let quitting: 'no' | 'ending' | 'done' = 'no';

  // Registered before anything awaits, so a quit during start-up still ends what has opened.
  app.on('before-quit', (event) => {
    if (quitting === 'done' || !endEverything) return;
    event.preventDefault();
    if (quitting === 'ending') return;
    quitting = 'ending';
    const shutdown = endEverything;
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, 10_000));
    void Promise.race([shutdown(), deadline]).finally(() => {
      quitting = 'done';
      app.quit();
    });
  });

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  // No webContents anywhere may open windows or attach <webview>s on its own.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
    });
  });

  // Never hand the agent's OS certificates to a storefront (or anyone): no client certificate.
  app.on('select-client-certificate', (event, _contents, _url, _list, callback) => {
    event.preventDefault();
    callback();
  });
  // A certificate Chromium refused stays refused; a storefront's tab says why.
  app.on('certificate-error', (event, contents, url, error, _certificate, callback) => {
    event.preventDefault();
    callback(false);
    const sessionId = viewHost?.sessionOfStorefront(contents) ?? null;
    if (sessionId) viewHost?.certificateRefused(sessionId, url, error);
  });

  void app.whenReady().then(async () => {
    // Named loggers: JSON lines in Electron's logs folder (rotated by size), info and above on the terminal.
    const logFile = join(app.getPath('logs'), 'console.log');
    const logging = createLogging({ file: logFile, terminal: true });
    const log = asLogFn(logging.logger('electron'));
    app.on('child-process-gone', (_event, details) => {
      logging
        .logger('electron')
        .warn({ type: details.type, reason: details.reason, exitCode: details.exitCode }, 'a child process is gone');
    });
    // The default session holds the console and the banners: nothing there gets a permission or device either.
    denyDevicesAndPermissions(electronSession.defaultSession);
    // Our own menu: no Reload, zoom or DevTools items in a packaged build.
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(appMenuTemplate({ packaged: app.isPackaged, platform: process.platform })),
    );
    const userData = await ensurePrivateDir(app.getPath('userData'));
    const devUrl = process.env.ELECTRON_RENDERER_URL;
    const appOrigin = (devUrl ? originOf(devUrl) : null) ?? APP_ORIGIN;
    const pageUrl = (page: string) => (devUrl ? new URL(page, devUrl).toString() : `${APP_ORIGIN}/${page}`);
    serveRenderer(join(here, '../renderer'));

    const consoleWindow = createConsoleWindow({
      preload: join(here, '../preload/console.cjs'),
      url: pageUrl('index.html'),
      appOrigin,
      devTools: !app.isPackaged,
      onZoomChanged: () => {
        viewHost?.relayout();
      },
    });
    window = consoleWindow;
    const views = createElectronViewHost({
      window: consoleWindow,
      bannerUrl: pageUrl('banner.html'),
      bannerPreload: join(here, '../preload/banner.cjs'),
      log: asLogFn(logging.logger('views')),
    });
    viewHost = views;
    consoleWindow.on('resize', () => {
      views.relayout();
    });
    // The console page itself crashed: its state lives here in main, so loading it again loses nothing.
    consoleWindow.webContents.on('render-process-gone', (_event, details) => {
      logging.logger('electron').error({ reason: details.reason }, 'the console page is gone; loading it again');
      if (!consoleWindow.isDestroyed()) consoleWindow.webContents.reload();
    });
    const [shopUrl = '', ...otherShops] = shopUrlsFrom(process.argv, process.env);
    const core = createConsoleCore({
      shopUrl,
      shops: otherShops,
      vault: createVault(),
      viewHost: views,
      emit: (event, payload) => {
        sendEvent(window?.webContents ?? null, event, payload);
      },
      createAudit: (deps) =>
        createAuditPort({
          ...deps,
          ...auditFoldersIn(userData),
          configuredKeys: configuredSigningKeys(process.env),
          windowDays: configuredWindowDays(process.env),
          syncIntervalMs: BACKGROUND_SYNC_INTERVAL_MS,
          workerUrl: join(import.meta.dirname, BUILT_WORKER_FILE),
          makeTemplate: utilityTemplateMaker(join(import.meta.dirname, BUILT_TEMPLATE_MAKER_FILE)),
        }),
      exportDestination: savedExports(async (defaultName) => {
        const result = await dialog.showSaveDialog(consoleWindow, {
          title: 'Export audit events',
          defaultPath: join(app.getPath('downloads'), defaultName),
        });
        return result.canceled || !result.filePath ? null : result.filePath;
      }),
      openSessionsFile: join(userData, 'open-sessions.json'),
      loggers: (name) => logging.logger(name),
      logFile,
    });
    // Anything that slips past the code meant to catch it is logged; an uncaught exception ends
    // the open sessions at the shop before the app exits.
    guardProcess({
      target: process,
      log: (message, error) => {
        logging.logger('electron').fatal({ err: error }, message);
      },
      shutdown: async () => {
        await core.shutdown();
        await logging.close();
      },
      exit: (code) => {
        app.exit(code);
      },
    });
    registerIpc({
      consoleContents: () => window?.webContents ?? null,
      appOrigin,
      handlers: core.handlers,
      viewHost: views,
      log: asLogFn(logging.logger('ipc')),
    });
    consoleWindow.on('closed', () => {
      window = null;
    });
    // Quitting waits until the shop has recorded every open session as ended.
    endEverything = async () => {
      await core.shutdown().catch((error: unknown) => {
        log('ending sessions on exit failed', error);
      });
      await logging.close();
    };
    await core.auth.restore().catch((error: unknown) => {
      logging.logger('auth').warn({ err: error }, 'restoring the sign-in failed');
    });
  });

  app.on('window-all-closed', () => {
    app.quit();
  });
  // Ctrl+C in a terminal or `npm start` stopping: quit the normal way, so sessions end at the shop first.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      app.quit();
    });
}
