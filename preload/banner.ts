import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { BannerBridge, BannerState } from '../shared/ipc/contract';
import { BANNER_END, BANNER_KEEP_ALIVE, BANNER_STATE } from './ipc-names';

/** The banner page gets three things only: "end this session", "I'm still here" and its own state. */
const bridge: BannerBridge = {
  endSession: async () => {
    await ipcRenderer.invoke(BANNER_END);
  },
  keepAlive: async () => {
    await ipcRenderer.invoke(BANNER_KEEP_ALIVE);
  },
  onState: (listener) => {
    const wrapped = (_event: IpcRendererEvent, state: BannerState) => {
      listener(state);
    };
    ipcRenderer.on(BANNER_STATE, wrapped);
    return () => {
      ipcRenderer.removeListener(BANNER_STATE, wrapped);
    };
  },
};
contextBridge.exposeInMainWorld('concierge', bridge);
