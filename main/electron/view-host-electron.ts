import {
  WebContentsView,
  session as electronSession,
  type BrowserWindow,
  type Session,
  type WebContents,
} from 'electron';
import type { BannerState, Bounds, OpenSession } from '../../shared/ipc/contract';
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
import { crashInWords } from '../core/sessions/session-view-problems';
import { isActivityInput, isEndShortcutInput, partitionLeftovers, sessionViewBounds } from '../core/window-policy';
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
  /** The session whose storefront this webContents is, if any (certificate errors, crashes). */
  sessionOfStorefront(contents: WebContents): string | null;
  /** The app refused a storefront's certificate: its tab says so instead of an error page. */
  certificateRefused(sessionId: string, url: string, error: string): void;
  /** Lays the shown session's views out again (the window was resized or its zoom changed). */
  relayout(): void;
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
  /** The storefront stopped responding (and has not recovered): a reload stops its renderer first. */
  hung: { value: boolean };
}

/**
 * No permission, device or screen capture for anything on this session: request and check
 * handlers both (a check answered "granted" by default skips the request), and every device
 * chooser cancelled. Used for the storefront partitions and the default session (console, banners).
 */
export function denyDevicesAndPermissions(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(permissionDecision(permission) === 'grant');
  });
  ses.setPermissionCheckHandler((_contents, permission) => permissionDecision(permission) === 'grant');
  ses.setDevicePermissionHandler(() => false);
  // null refuses the capture; an empty object throws in Electron.
  ses.setDisplayMediaRequestHandler((_request, callback) => {
    callback(null);
  });
  ses.setBluetoothPairingHandler((_details, callback) => {
    callback({ confirmed: false });
  });
  ses.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  ses.on('select-serial-port', (event, _ports, _contents, callback) => {
    event.preventDefault();
    callback('');
  });
  ses.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
}

function lockDown(ses: Session, policy: NavigationPolicy, log: (m: string) => void): void {
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

function watch(
  contents: WebContents,
  policy: NavigationPolicy,
  events: ViewEvents,
  hung: { value: boolean },
  log: (m: string) => void,
): void {
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
    if (isActivityInput(input.type)) events.onActivity();
  });
  contents.on('did-navigate', () => {
    events.onActivity();
  });
  // Without a handler Chromium picks the first Bluetooth device on its own.
  contents.on('select-bluetooth-device', (event, _devices, callback) => {
    event.preventDefault();
    callback('');
  });
  // A crashed or hung page is never left as a blank view: the tab offers a reload or the end.
  contents.on('render-process-gone', (_event, details) => {
    log(`the storefront's page is gone: ${details.reason}`);
    events.onTrouble({ kind: 'crashed', reason: crashInWords(details.reason) });
  });
  contents.on('unresponsive', () => {
    hung.value = true;
    events.onTrouble({ kind: 'unresponsive' });
  });
  contents.on('responsive', () => {
    hung.value = false;
    events.onTrouble(null);
  });
  contents.on('did-finish-load', () => {
    events.onTrouble(null);
  });
}

/** Resolves once `contents` is destroyed; rejects when it is not within `ms`. */
function destroyed(contents: WebContents, ms: number): Promise<void> {
  if (contents.isDestroyed()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`a view was not destroyed within ${ms} ms`));
    }, ms);
    contents.once('destroyed', () => {
      clearTimeout(timer);
      resolve();
    });
    // No beforeunload: a page cannot keep itself open once its session has ended.
    contents.close({ waitForBeforeUnload: false });
  });
}

const VIEW_CLOSE_TIMEOUT_MS = 5_000;

/** Everything a partition holds removed, then checked: it rejects when a cookie or service worker survived. */
async function wipePartition(partition: string): Promise<void> {
  const ses = electronSession.fromPartition(partition, { cache: true });
  // In-flight connections would otherwise outlive the wipe and could set cookies after it.
  await ses.closeAllConnections();
  await ses.clearData();
  await ses.clearStorageData();
  await ses.clearCache();
  await ses.clearAuthCache();
  await ses.clearHostResolverCache();
  ses.webRequest.onBeforeRequest(null);
  const leftovers = partitionLeftovers(partition, {
    cookies: (await ses.cookies.get({})).length,
    serviceWorkers: Object.keys(ses.serviceWorkers.getAllRunning()).length,
  });
  if (leftovers) throw new Error(leftovers);
}

/** The end-session shortcut works while the storefront or the banner has the keyboard, as in the console. */
function endOnShortcut(contents: WebContents, events: ViewEvents): void {
  contents.on('before-input-event', (event, input) => {
    if (!isEndShortcutInput(input)) return;
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
      devTools: false,
    },
  });
}

/** The banner above it: our own page with its narrow preload, out of the storefront's reach. */
function newBannerView(preload: string): WebContentsView {
  return new WebContentsView({
    webPreferences: { preload, sandbox: true, contextIsolation: true, nodeIntegration: false, devTools: false },
  });
}

export function createElectronViewHost(options: ElectronViewHostOptions): ElectronViewHost {
  const log = options.log ?? asLogFn(defaultLogger('views'));
  const views = new Map<string, Views>();
  const partitionsWired = new Set<string>();
  let shown: { sessionId: string; bounds: Bounds } | null = null;
  const window = options.window;

  // Bounds in window pixels: the page's rectangle scaled by the console's zoom, clamped to the
  // window's content, so the banner always covers the storefront's top and neither leaves the window.
  function layout(): void {
    if (window.isDestroyed()) return;
    const [width = 0, height = 0] = window.getContentSize();
    const zoom = window.webContents.getZoomFactor();
    for (const [id, v] of views) {
      const visible = shown?.sessionId === id;
      v.banner.setVisible(visible);
      v.storefront.setVisible(visible);
      if (visible && shown) {
        const placed = sessionViewBounds(shown.bounds, zoom, { width, height }, BANNER_HEIGHT);
        v.banner.setBounds(placed.banner);
        v.storefront.setBounds(placed.storefront);
      }
    }
  }

  // Once per partition: Electron keeps a session (and its listeners) for the life of the app.
  function wirePartition(ses: Session, partition: string): void {
    if (partitionsWired.has(partition)) return;
    partitionsWired.add(partition);
    denyDevicesAndPermissions(ses);
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
      wirePartition(ses, slot.partition);
      lockDown(ses, policy, log);
      const storefront = newStorefrontView(slot.partition);
      const banner = newBannerView(options.bannerPreload);
      const hung = { value: false };
      watch(storefront.webContents, policy, events, hung, log);
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
      const views_: Views = { storefront, banner, partition: slot.partition, events, state: null, hung };
      views.set(id, views_);
      window.contentView.addChildView(storefront);
      // Added last, so it is on top of the storefront.
      window.contentView.addChildView(banner);
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
      if (!v || v.storefront.webContents.isDestroyed()) return Promise.resolve();
      // A crashed page reloads in a new renderer process; a hung one is stopped first.
      if (v.hung.value) v.storefront.webContents.forcefullyCrashRenderer();
      v.storefront.webContents.reload();
      return Promise.resolve();
    },
    async close(sessionId) {
      const v = views.get(sessionId);
      if (!v) return;
      views.delete(sessionId);
      if (shown?.sessionId === sessionId) shown = null;
      // At quit the window may be gone before the sessions are.
      if (!window.isDestroyed()) {
        window.contentView.removeChildView(v.banner);
        window.contentView.removeChildView(v.storefront);
      }
      // The partition is wiped for reuse only once nothing of this session runs on it.
      await Promise.all([
        destroyed(v.banner.webContents, VIEW_CLOSE_TIMEOUT_MS),
        destroyed(v.storefront.webContents, VIEW_CLOSE_TIMEOUT_MS),
      ]);
    },
    wipe: wipePartition,
    sessionOfBanner(contents) {
      for (const [id, v] of views) if (v.banner.webContents === contents) return id;
      return null;
    },
    sessionOfStorefront(contents) {
      for (const [id, v] of views) if (v.storefront.webContents === contents) return id;
      return null;
    },
    certificateRefused(sessionId, url, error) {
      views.get(sessionId)?.events.onTrouble({ kind: 'certificate', error, url });
    },
    relayout: layout,
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
