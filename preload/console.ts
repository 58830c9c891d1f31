import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CHANNELS, IPC_EVENTS, type ConsoleBridge, type IpcEventName } from '../shared/ipc/contract';
import { eventChannel, invokeChannel } from './ipc-names';

/**
 * The console page's only way to main: one named function per contract call and `on` for
 * main's events. ipcRenderer itself is never exposed, so the page cannot send on other channels.
 */
const calls = Object.fromEntries(
  IPC_CHANNELS.map((channel) => [channel, (args: unknown) => ipcRenderer.invoke(invokeChannel(channel), args ?? {})]),
);

function on(event: IpcEventName, listener: (payload: unknown) => void): () => void {
  if (!IPC_EVENTS.includes(event)) throw new Error(`Unknown console event ${event}`);
  const wrapped = (_event: IpcRendererEvent, payload: unknown) => {
    listener(payload);
  };
  ipcRenderer.on(eventChannel(event), wrapped);
  return () => {
    ipcRenderer.removeListener(eventChannel(event), wrapped);
  };
}

// The generic carriers above are exactly the contract's calls; the type is restored here once.
const bridge = Object.freeze({ ...calls, on }) as unknown as ConsoleBridge;
contextBridge.exposeInMainWorld('concierge', bridge);
