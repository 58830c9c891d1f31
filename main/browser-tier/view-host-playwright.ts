import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { BannerState, Bounds, OpenSession } from '../../shared/ipc/contract';
import type { ViewInput } from '../../shared/ipc/view-input';
import type { NavigationPolicy } from '../core/navigation-policy';
import type { PartitionSlot } from '../core/partition-pool';
import type { ViewEvents, ViewHost } from '../core/view-host';
import { asLogFn, defaultLogger } from '../core/logging';
import { playInOrder } from './input-relay';
import { newIsolatedContext, prepareView, reloadView, type View } from './session-view';
import { capturePreview, capturePreviewsOfShown, fitViewportToBounds } from './view-previews';
import type { FrameSink } from './view-screencast';

/**
 * The browser tier's view host: each assisted session gets its own Playwright BrowserContext in
 * system Chromium (no shared cookies, storage or cache with any other session), the navigation
 * policy enforced on every request with `context.route`, no permission ever granted, and the
 * context closed when the session's partition is released. This file keeps the views and their
 * lifecycle; session-view.ts builds one, navigation-guard.ts polices it, view-screencast.ts and
 * view-previews.ts show it, input-relay.ts plays the agent's input into it.
 */

export interface PlaywrightViewHostOptions {
  /** Defaults to CHROMIUM_PATH or /usr/bin/chromium, as playwright.config.ts. */
  executablePath?: string;
  args?: string[];
  /** Reuse a browser the caller owns (e2e specs); otherwise one is launched on first use and closed by `dispose`. */
  browser?: Browser;
  viewport?: { width: number; height: number };
  /** A preview screenshot of the shown session this often. */
  previewIntervalMs?: number;
  log?: (message: string) => void;
}

export interface PlaywrightViewHost extends ViewHost {
  /** The session's storefront page, for e2e specs. */
  page(sessionId: string): Page | null;
  context(sessionId: string): BrowserContext | null;
  /** The latest JPEG preview of the session's storefront. */
  preview(sessionId: string): Buffer | null;
  /**
   * Adds a viewer of the session's screencast (frames flow while it is shown); returns its
   * removal, or null when the session has no open view.
   */
  watch(sessionId: string, sink: FrameSink): (() => void) | null;
  /**
   * Plays the agent's input into the shown session's storefront at page pixels, in the order it
   * came; counts as agent activity. False when the session is not the one shown.
   */
  input(sessionId: string, input: ViewInput): Promise<boolean>;
  /** The session the console shows (sessions.show), if any. */
  shown(): string | null;
  banner(sessionId: string): BannerState | null;
  /** Requests the policy refused, newest last (for the agent's log and for tests). */
  blocked(sessionId: string): readonly string[];
  dispose(): Promise<void>;
}

/** The same Chromium switches as playwright.config.ts; kept here so the tier does not load the test config. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function createPlaywrightViewHost(options: PlaywrightViewHostOptions = {}): PlaywrightViewHost {
  const log = options.log ?? asLogFn(defaultLogger('views'));
  const viewport = options.viewport ?? { width: 1280, height: 800 };
  const views = new Map<string, View>();
  const byPartition = new Map<string, View>();
  let browser: Promise<Browser> | null = options.browser ? Promise.resolve(options.browser) : null;
  let shownId: string | null = null;

  function getBrowser(): Promise<Browser> {
    // Playwright loads on the first session, not at start: importing it took the console about half a second.
    browser ??= import('@playwright/test')
      .then(({ chromium }) =>
        chromium.launch({
          executablePath: options.executablePath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: options.args ?? CHROMIUM_ARGS,
          headless: true,
        }),
      )
      .then((launched) => {
        // A browser that went away (headless Chromium can exit when its only page crashes) is
        // launched again for the next session instead of failing every one after it.
        launched.on('disconnected', () => {
          browser = null;
        });
        return launched;
      });
    return browser;
  }

  const stopPreviews = capturePreviewsOfShown(options.previewIntervalMs ?? 1000, () =>
    shownId ? views.get(shownId) : undefined,
  );

  const host: PlaywrightViewHost = {
    async open(session: OpenSession, slot: PartitionSlot, url: string, policy: NavigationPolicy, events: ViewEvents) {
      const id = session.session.id;
      if (views.has(id)) throw new Error(`session ${id} already has a view`);
      if (byPartition.has(slot.partition)) throw new Error(`${slot.partition} is still in use`);
      const context = await newIsolatedContext(await getBrowser(), viewport);
      try {
        const view = await prepareView(context, { sessionId: id, partition: slot.partition, policy, events }, log);
        views.set(id, view);
        byPartition.set(slot.partition, view);
        await view.page.goto(url);
      } catch (error) {
        views.delete(id);
        byPartition.delete(slot.partition);
        await context.close().catch(() => undefined);
        throw error;
      }
    },
    show(sessionId: string | null, bounds?: Bounds) {
      const next = sessionId !== null && views.has(sessionId) ? sessionId : null;
      if (shownId !== next && shownId) views.get(shownId)?.screencast.setShown(false);
      shownId = next;
      const view = shownId ? views.get(shownId) : undefined;
      if (!view) return;
      view.screencast.setShown(true);
      void fitViewportToBounds(view, bounds)
        .catch(() => undefined)
        .then(() => capturePreview(view));
    },
    update(state: BannerState) {
      const view = views.get(state.sessionId);
      if (view) view.banner = state;
    },
    async reload(sessionId: string) {
      const view = views.get(sessionId);
      if (view) await reloadView(view);
    },
    async close(sessionId: string) {
      const view = views.get(sessionId);
      if (!view) return;
      views.delete(sessionId);
      if (shownId === sessionId) shownId = null;
      await view.screencast.close();
      await view.context.close();
    },
    async wipe(partition: string) {
      // Closing the context discards its cookies, storage and cache: nothing of it survives.
      const view = byPartition.get(partition);
      byPartition.delete(partition);
      if (!view) return;
      views.delete(view.sessionId);
      await view.screencast.close();
      await view.context.close();
    },
    page: (sessionId) => views.get(sessionId)?.page ?? null,
    context: (sessionId) => views.get(sessionId)?.context ?? null,
    preview: (sessionId) => views.get(sessionId)?.preview ?? null,
    watch(sessionId, sink) {
      return views.get(sessionId)?.screencast.watch(sink) ?? null;
    },
    async input(sessionId, input) {
      const view = shownId === sessionId ? views.get(sessionId) : undefined;
      if (!view) return false;
      try {
        await playInOrder(view, input);
      } catch (error) {
        // Input cut short by the view closing is no failure of the console's.
        if (views.get(sessionId) === view) throw error;
        return false;
      }
      view.events.onActivity();
      return true;
    },
    shown: () => shownId,
    banner: (sessionId) => views.get(sessionId)?.banner ?? null,
    blocked: (sessionId) => views.get(sessionId)?.blocked ?? [],
    async dispose() {
      stopPreviews();
      for (const view of views.values()) {
        await view.screencast.close();
        await view.context.close().catch(() => undefined);
      }
      views.clear();
      byPartition.clear();
      if (browser && !options.browser) await (await browser).close();
      browser = null;
    },
  };
  return host;
}
