import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { IPC_CHANNELS, type IpcEventName, type IpcEventPayload } from '../../shared/ipc/contract';
import { dispatch, type IpcHandlers } from '../core/ipc-handlers';
import { BANNER_END, BANNER_KEEP_ALIVE, eventChannel, invokeChannel } from '../../preload/ipc-names';
import { originOf } from './app-protocol';
import type { ElectronViewHost } from './view-host-electron';

/**
 * ipcMain registration. A call is served only when it comes from the console window's own
 * webContents, from its main frame, showing the app's own origin; anything else is refused
 * before the arguments are even looked at. The banner's two calls are checked the same way
 * against the banner views.
 */

export interface IpcRegistration {
  consoleContents: () => WebContents | null;
  appOrigin: string;
  handlers: IpcHandlers;
  viewHost: ElectronViewHost;
  log: (message: string) => void;
}

function fromConsole(event: IpcMainInvokeEvent, reg: IpcRegistration): boolean {
  const contents = reg.consoleContents();
  const frame = event.senderFrame;
  return (
    contents !== null &&
    event.sender === contents &&
    frame !== null &&
    frame === contents.mainFrame &&
    originOf(frame.url) === reg.appOrigin
  );
}

/** The session of the banner view that sent this (its main frame, the app's origin), else null. */
function bannerSession(event: IpcMainInvokeEvent, reg: IpcRegistration, channel: string): string | null {
  const sessionId = reg.viewHost.sessionOfBanner(event.sender);
  const frame = event.senderFrame;
  if (!sessionId || frame === null || frame !== event.sender.mainFrame || originOf(frame.url) !== reg.appOrigin) {
    reg.log(`refused ${channel} from an unexpected sender`);
    return null;
  }
  return sessionId;
}

export function registerIpc(reg: IpcRegistration): () => void {
  for (const channel of IPC_CHANNELS) {
    ipcMain.handle(invokeChannel(channel), async (event, args: unknown) => {
      if (!fromConsole(event, reg)) {
        reg.log(`refused ${channel} from an unexpected sender (${event.senderFrame?.url ?? 'no frame'})`);
        return {
          ok: false,
          error: { kind: 'internal', code: 'forbidden_sender', message: 'This page may not call the console.' },
        };
      }
      return dispatch(reg.handlers, channel, args);
    });
  }
  ipcMain.handle(BANNER_END, (event) => {
    const sessionId = bannerSession(event, reg, BANNER_END);
    if (sessionId) reg.viewHost.requestEnd(sessionId);
  });
  ipcMain.handle(BANNER_KEEP_ALIVE, (event) => {
    const sessionId = bannerSession(event, reg, BANNER_KEEP_ALIVE);
    if (sessionId) reg.viewHost.requestKeepAlive(sessionId);
  });
  return () => {
    for (const channel of IPC_CHANNELS) ipcMain.removeHandler(invokeChannel(channel));
    ipcMain.removeHandler(BANNER_END);
    ipcMain.removeHandler(BANNER_KEEP_ALIVE);
  };
}

/** Sends one of main's events to the console page. */
export function sendEvent<E extends IpcEventName>(
  contents: WebContents | null,
  event: E,
  payload: IpcEventPayload<E>,
): void {
  if (contents && !contents.isDestroyed()) contents.send(eventChannel(event), payload);
}
