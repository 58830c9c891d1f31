import { app, dialog, type BrowserWindow } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditFoldersIn, BACKGROUND_SYNC_INTERVAL_MS, createAuditPort } from '../core/audit-port';
import { configuredSigningKeys } from '../core/audit-mirror/key-pins';
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
import { shopUrlFrom } from '../core/shop-url';
import { createElectronViewHost } from './view-host-electron';

/**
 * App lifecycle: one instance, one console window, the core wired to Electron's views and IPC,
 * and every open session ended at the shop (awaited) before the app quits.
 */
const here = fileURLToPath(new URL('.', import.meta.url));

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  let window: BrowserWindow | null = null;
  let quitting: 'no' | 'ending' | 'done' = 'no';

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

  void app.whenReady().then(async () => {
    // Named loggers: JSON lines in Electron's logs folder (rotated by size), info and above on the terminal.
    const logFile = join(app.getPath('logs'), 'console.log');
    const logging = createLogging({ file: logFile, terminal: true });
    const log = asLogFn(logging.logger('electron'));
    const userData = await ensurePrivateDir(app.getPath('userData'));
    const devUrl = process.env.ELECTRON_RENDERER_URL;
    const appOrigin = (devUrl ? originOf(devUrl) : null) ?? APP_ORIGIN;
    const pageUrl = (page: string) => (devUrl ? new URL(page, devUrl).toString() : `${APP_ORIGIN}/${page}`);
    serveRenderer(join(here, '../renderer'));

    const consoleWindow = createConsoleWindow({
      preload: join(here, '../preload/console.cjs'),
      url: pageUrl('index.html'),
      appOrigin,
    });
    window = consoleWindow;
    const viewHost = createElectronViewHost({
      window: consoleWindow,
      bannerUrl: pageUrl('banner.html'),
      bannerPreload: join(here, '../preload/banner.cjs'),
      log: asLogFn(logging.logger('views')),
    });
    const core = createConsoleCore({
      shopUrl: shopUrlFrom(process.argv, process.env),
      vault: createVault(),
      viewHost,
      emit: (event, payload) => {
        sendEvent(window?.webContents ?? null, event, payload);
      },
      createAudit: (deps) =>
        createAuditPort({
          ...deps,
          ...auditFoldersIn(userData),
          configuredKeys: configuredSigningKeys(process.env),
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
      viewHost,
      log: asLogFn(logging.logger('ipc')),
    });
    consoleWindow.on('closed', () => {
      window = null;
    });
    await core.auth.restore().catch((error: unknown) => {
      logging.logger('auth').warn({ err: error }, 'restoring the sign-in failed');
    });

    // Quitting waits until the shop has recorded every open session as ended.
    app.on('before-quit', (event) => {
      if (quitting === 'done') return;
      event.preventDefault();
      if (quitting === 'ending') return;
      quitting = 'ending';
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, 10_000));
      void Promise.race([core.shutdown(), deadline])
        .catch((error: unknown) => {
          log('ending sessions on exit failed', error);
        })
        .finally(() => {
          quitting = 'done';
          void logging.close().finally(() => {
            app.quit();
          });
        });
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
