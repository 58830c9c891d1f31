import {
  WebContentsView,
  session as electronSession,
  type BrowserWindow,
  type Session,
  type WebContents,
} from 'electron';
import { END_SESSION_SHORTCUT, type BannerState, type Bounds, type OpenSession } from '../../shared/ipc/contract';
import {
  downloadDecision,
  isNavigationAllowed,
  isSubresourceAllowed,
  permissionDecision,
  popupDecision,
  type NavigationPolicy,
} from '../core/navigation-policy';
import type { PartitionSlot } from '../core/partition-pool';
import type { ViewEvents, ViewHost } from '../core/view-host';
import { asLogFn, defaultLogger } from '../core/logging';
import { BANNER_STATE } from '../../preload/ipc-names';
import { withoutQueryValues } from '../../shared/log-redaction';

/**
 * Storefront views in Electron: per session a sandboxed WebContentsView without preload on a
 * pooled in-memory partition, and a separate banner view above it (the page can neither reach
 * nor cover it). Every rule comes from core/navigation-policy; this file only attaches them.
 */

export const BANNER_HEIGHT = 44;

export interface ElectronViewHostOptions {
  window: BrowserWindow;
  /** The banner page's URL (app://console/banner.html). */
  bannerUrl: string;
  /** The banner preload (out/preload/banner.cjs). */
  bannerPreload: string;
  log?: (message: string) => void;
}

export interface ElectronViewHost extends ViewHost {
  /** Which session a banner's webContents belongs to (banner IPC sender check). */
  sessionOfBanner(contents: WebContents): string | null;
  /** The latest banner state of a session. */
  bannerState(sessionId: string): BannerState | null;
  /** The banner's "End session" button (or the end shortcut in the session's views) was pressed. */
  requestEnd(sessionId: string): void;
  /** The banner's "I'm still here" button was pressed. */
  requestKeepAlive(sessionId: string): void;
}

interface Views {
  storefront: WebContentsView;
  banner: WebContentsView;
  partition: string;
  events: ViewEvents;
  state: BannerState | null;
}

function lockDown(ses: Session, policy: NavigationPolicy, log: (m: string) => void): void {
  ses.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(permissionDecision(permission) === 'grant');
  });
  ses.setPermissionCheckHandler((_contents, permission) => permissionDecision(permission) === 'grant');
  ses.setDevicePermissionHandler(() => false);
  ses.setDisplayMediaRequestHandler((_request, callback) => {
    callback({});
  });
  // Every request, including each redirect hop, passes the policy before it leaves the machine.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const navigation = details.resourceType === 'mainFrame' || details.resourceType === 'subFrame';
    const allowed = navigation
      ? isNavigationAllowed(details.url, policy, details.resourceType === 'mainFrame' ? 'main' : 'sub')
      : isSubresourceAllowed(details.url, policy);
    if (!allowed) log(`refused ${details.resourceType} ${withoutQueryValues(details.url)}`);
    callback({ cancel: !allowed });
  });
}

function watch(contents: WebContents, policy: NavigationPolicy, events: ViewEvents, log: (m: string) => void): void {
  contents.on('will-navigate', (event) => {
    if (!isNavigationAllowed(event.url, policy, 'main')) {
      log(`refused navigation to ${withoutQueryValues(event.url)}`);
      event.preventDefault();
    }
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isNavigationAllowed(event.url, policy, event.isMainFrame ? 'main' : 'sub')) {
      log(`refused frame navigation to ${withoutQueryValues(event.url)}`);
      event.preventDefault();
    }
  });
  contents.on('will-redirect', (event) => {
    if (!isNavigationAllowed(event.url, policy, event.isMainFrame ? 'main' : 'sub')) {
      log(`refused redirect to ${withoutQueryValues(event.url)}`);
      event.preventDefault();
    }
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (popupDecision(url, policy) === 'same-view') void contents.loadURL(url).catch(() => undefined);
    return { action: 'deny' };
  });
  contents.on('input-event', (_event, input) => {
    if (
      input.type === 'mouseDown' ||
      input.type === 'keyDown' ||
      input.type === 'mouseWheel' ||
      input.type === 'touchStart'
    )
      events.onActivity();
  });
  contents.on('did-navigate', () => {
    events.onActivity();
  });
}

/** The end-session shortcut works while the storefront or the banner has the keyboard, as in the console. */
function endOnShortcut(contents: WebContents, events: ViewEvents): void {
  contents.on('before-input-event', (event, input) => {
    const s = END_SESSION_SHORTCUT;
    if (input.type !== 'keyDown' || input.key.toLowerCase() !== s.key) return;
    if (input.control !== s.ctrl || input.shift !== s.shift || input.alt !== s.alt) return;
    event.preventDefault();
    events.onEndRequested();
  });
}

/** The customer's storefront: sandboxed, isolated, on the session's own partition. */
function newStorefrontView(partition: string): WebContentsView {
  return new WebContentsView({
    webPreferences: {
      partition,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      safeDialogs: true,
      spellcheck: false,
    },
  });
}

/** The banner above it: our own page with its narrow preload, out of the storefront's reach. */
function newBannerView(preload: string): WebContentsView {
  return new WebContentsView({
    webPreferences: { preload, sandbox: true, contextIsolation: true, nodeIntegration: false },
  });
}

export function createElectronViewHost(options: ElectronViewHostOptions): ElectronViewHost {
  const log = options.log ?? asLogFn(defaultLogger('views'));
  const views = new Map<string, Views>();
  const downloadsWired = new Set<string>();
  let shown: { sessionId: string; bounds: Bounds } | null = null;

  function layout(): void {
    for (const [id, v] of views) {
      const visible = shown?.sessionId === id;
      v.banner.setVisible(visible);
      v.storefront.setVisible(visible);
      if (visible && shown) {
        const { x, y, width, height } = shown.bounds;
        v.banner.setBounds({ x, y, width, height: Math.min(BANNER_HEIGHT, height) });
        v.storefront.setBounds({ x, y: y + BANNER_HEIGHT, width, height: Math.max(0, height - BANNER_HEIGHT) });
      }
    }
  }

  function wireDownloads(ses: Session, partition: string): void {
    if (downloadsWired.has(partition)) return;
    downloadsWired.add(partition);
    ses.on('will-download', (_event, item) => {
      // No save path set: Electron asks the agent where to save, every time.
      if (downloadDecision(item.getURL()) === 'refuse') item.cancel();
      else item.setSaveDialogOptions({ title: 'Save the file from the customer’s store' });
    });
  }

  const host: ElectronViewHost = {
    async open(open: OpenSession, slot: PartitionSlot, url: string, policy: NavigationPolicy, events: ViewEvents) {
      const id = open.session.id;
      const ses = electronSession.fromPartition(slot.partition, { cache: true });
      lockDown(ses, policy, log);
      wireDownloads(ses, slot.partition);
      const storefront = newStorefrontView(slot.partition);
      const banner = newBannerView(options.bannerPreload);
      watch(storefront.webContents, policy, events, log);
      endOnShortcut(storefront.webContents, events);
      endOnShortcut(banner.webContents, events);
      const bannerUrl = new URL(options.bannerUrl);
      bannerUrl.searchParams.set('session', id);
      banner.webContents.on('will-navigate', (event) => {
        event.preventDefault();
      });
      banner.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
      banner.webContents.on('did-finish-load', () => {
        const state = views.get(id)?.state;
        if (state) banner.webContents.send(BANNER_STATE, state);
      });
      const views_: Views = { storefront, banner, partition: slot.partition, events, state: null };
      views.set(id, views_);
      options.window.contentView.addChildView(storefront);
      // Added last, so it is on top of the storefront.
      options.window.contentView.addChildView(banner);
      layout();
      await banner.webContents.loadURL(bannerUrl.toString());
      await storefront.webContents.loadURL(url);
    },
    show(sessionId, bounds) {
      if (sessionId === null) shown = null;
      else if (views.has(sessionId))
        shown = { sessionId, bounds: bounds ?? shown?.bounds ?? { x: 0, y: 0, width: 0, height: 0 } };
      layout();
    },
    update(state) {
      const v = views.get(state.sessionId);
      if (!v) return;
      v.state = state;
      if (!v.banner.webContents.isDestroyed()) v.banner.webContents.send(BANNER_STATE, state);
    },
    reload(sessionId) {
      const v = views.get(sessionId);
      if (v && !v.storefront.webContents.isDestroyed()) v.storefront.webContents.reload();
      return Promise.resolve();
    },
    close(sessionId) {
      const v = views.get(sessionId);
      if (!v) return Promise.resolve();
      views.delete(sessionId);
      if (shown?.sessionId === sessionId) shown = null;
      options.window.contentView.removeChildView(v.banner);
      options.window.contentView.removeChildView(v.storefront);
      v.banner.webContents.close();
      v.storefront.webContents.close();
      return Promise.resolve();
    },
    async wipe(partition) {
      const ses = electronSession.fromPartition(partition, { cache: true });
      await ses.clearData();
      await ses.clearStorageData();
      await ses.clearCache();
      await ses.clearAuthCache();
      await ses.clearHostResolverCache();
      ses.webRequest.onBeforeRequest(null);
    },
    sessionOfBanner(contents) {
      for (const [id, v] of views) if (v.banner.webContents === contents) return id;
      return null;
    },
    bannerState: (sessionId) => views.get(sessionId)?.state ?? null,
    requestEnd(sessionId) {
      views.get(sessionId)?.events.onEndRequested();
    },
    requestKeepAlive(sessionId) {
      views.get(sessionId)?.events.onKeepAliveRequested?.();
    },
  };
  return host;
}
