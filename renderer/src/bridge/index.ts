import { IPC_CHANNELS, type ConsoleBridge } from '../../../shared/ipc/contract';
import type { ViewInput } from '../../../shared/ipc/view-input';
import type { ConsoleLinkWatch } from './console-link';
import { createHttpBridge } from './http-bridge';

/**
 * Where the console runs: in Electron the preload has put `window.concierge` in place; in the
 * browser tier the page reaches the same core over HTTP and shows the session's storefront as a
 * live screencast it sends the agent's input to, because the storefront lives in its own isolated
 * browser context.
 */
export interface ConsoleHost {
  bridge: ConsoleBridge;
  kind: 'electron' | 'browser';
  /** Browser tier only: a session's storefront, live, as an MJPEG stream an <img> shows. */
  streamUrl: ((sessionId: string) => string) | null;
  /** Browser tier only: the agent's input into the shown session's storefront; false when it was not taken. */
  sendInput: ((sessionId: string, input: ViewInput) => Promise<boolean>) | null;
  /** Browser tier only: whether the console still runs, and is the same run the page started with. */
  link: ConsoleLinkWatch | null;
}

declare global {
  interface Window {
    concierge?: ConsoleBridge;
  }
}

const TOKEN_KEY = 'concierge.browserTierToken';

/** The browser tier hands the page its token as `?token=`; keep it for reloads, drop it from the address. */
function takeToken(location: Location, storage: Storage, history: History): string | null {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl);
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
    return fromUrl;
  }
  return storage.getItem(TOKEN_KEY);
}

/**
 * The preload's calls take the arguments only: an AbortSignal cannot cross Electron's context
 * bridge, so call options stay on this side (`call` stops waiting on abort; main finishes the call).
 */
export function argsOnly(bridge: ConsoleBridge): ConsoleBridge {
  const calls = Object.fromEntries(
    IPC_CHANNELS.map((channel) => [
      channel,
      (args: unknown) => (bridge[channel] as (a: unknown) => Promise<unknown>)(args),
    ]),
  );
  // Every channel maps to the same generic carrier; the contract's types are restored here once.
  return Object.freeze({
    ...calls,
    on: (...a: Parameters<ConsoleBridge['on']>) => bridge.on(...a),
  }) as unknown as ConsoleBridge;
}

export function detectHost(win: Window = window): ConsoleHost {
  if (win.concierge)
    return { bridge: argsOnly(win.concierge), kind: 'electron', streamUrl: null, sendInput: null, link: null };
  const token = takeToken(win.location, win.sessionStorage, win.history);
  if (!token)
    throw new Error('This page must be opened by the Concierge console (no bridge and no browser-tier token).');
  const baseUrl = win.location.origin;
  const bridge = createHttpBridge({ baseUrl, token });
  return {
    bridge,
    link: bridge.link,
    kind: 'browser',
    streamUrl: (sessionId) =>
      `${baseUrl}/views/${encodeURIComponent(sessionId)}/screencast?token=${encodeURIComponent(token)}`,
    sendInput: async (sessionId, input) => {
      const response = await fetch(`${baseUrl}/views/${encodeURIComponent(sessionId)}/input`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-concierge-token': token },
        body: JSON.stringify(input),
      }).catch(() => null);
      return response?.status === 204;
    },
  };
}
