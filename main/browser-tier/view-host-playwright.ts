import { chromium, type Browser, type BrowserContext, type Page, type Route } from '@playwright/test';
import type { BannerState, Bounds, OpenSession } from '../../shared/ipc/contract';
import { withoutQueryValues } from '../../shared/log-redaction';
import { isNavigationAllowed, isSubresourceAllowed, type NavigationPolicy } from '../core/navigation-policy';
import type { PartitionSlot } from '../core/partition-pool';
import type { ViewEvents, ViewHost } from '../core/view-host';
import { asLogFn, defaultLogger } from '../core/logging';

/**
 * The browser tier's view host: each assisted session gets its own Playwright BrowserContext in
 * system Chromium (no shared cookies, storage or cache with any other session), the navigation
 * policy enforced on every request with `context.route`, no permission ever granted, and the
 * context closed when the session's partition is released.
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
  /** The session's storefront page, for e2e specs and the click relay. */
  page(sessionId: string): Page | null;
  context(sessionId: string): BrowserContext | null;
  /** The latest JPEG preview of the session's storefront. */
  preview(sessionId: string): Buffer | null;
  /** Clicks into the storefront at preview-image coordinates; counts as agent activity. */
  click(sessionId: string, x: number, y: number): Promise<boolean>;
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

interface View {
  sessionId: string;
  partition: string;
  context: BrowserContext;
  page: Page;
  events: ViewEvents;
  preview: Buffer | null;
  banner: BannerState | null;
  blocked: string[];
}

const BLOCKED_PAGE = (url: string) =>
  `<!doctype html><meta charset="utf-8"><title>Blocked</title><body style="font:16px system-ui;margin:2rem">` +
  `<h1>Not part of this store</h1><p>The assisted view only opens the customer's store. Refused: <code>${url.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`)}</code></p></body>`;

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? '';
}

export function createPlaywrightViewHost(options: PlaywrightViewHostOptions = {}): PlaywrightViewHost {
  const log = options.log ?? asLogFn(defaultLogger('views'));
  const viewport = options.viewport ?? { width: 1280, height: 800 };
  const views = new Map<string, View>();
  const byPartition = new Map<string, View>();
  let browser: Promise<Browser> | null = options.browser ? Promise.resolve(options.browser) : null;
  let shownId: string | null = null;

  function getBrowser(): Promise<Browser> {
    browser ??= chromium.launch({
      executablePath: options.executablePath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: options.args ?? CHROMIUM_ARGS,
      headless: true,
    });
    return browser;
  }

  async function capture(view: View): Promise<void> {
    try {
      view.preview = await view.page.screenshot({ type: 'jpeg', quality: 70 });
    } catch {
      // The page is navigating or closing; the next tick tries again.
    }
  }

  const previewTimer = setInterval(() => {
    const view = shownId ? views.get(shownId) : undefined;
    if (view) void capture(view);
  }, options.previewIntervalMs ?? 1000);
  previewTimer.unref();

  async function guard(view: View, policy: NavigationPolicy, route: Route): Promise<void> {
    const request = route.request();
    const url = request.url();
    let isMain = false;
    let isNavigation = false;
    try {
      isNavigation = request.isNavigationRequest();
      isMain = isNavigation && request.frame() === view.page.mainFrame();
    } catch {
      // Service-worker requests have no frame: treated as subresources.
    }
    if (!isNavigation) {
      if (isSubresourceAllowed(url, policy)) await route.continue();
      else {
        view.blocked.push(url);
        await route.abort('blockedbyclient');
      }
      return;
    }
    if (!isNavigationAllowed(url, policy, isMain ? 'main' : 'sub')) {
      view.blocked.push(url);
      if (isMain) await route.fulfill({ status: 403, contentType: 'text/html', body: BLOCKED_PAGE(url) });
      else await route.abort('blockedbyclient');
      return;
    }
    // Redirects are followed by the network stack without passing through route(); fetch without
    // following them so every hop's target is checked again when the browser follows it.
    const response = await route.fetch({ maxRedirects: 0 });
    const location = response.headers().location;
    if (response.status() >= 300 && response.status() < 400 && location) {
      const target = new URL(location, url).toString();
      if (!isNavigationAllowed(target, policy, isMain ? 'main' : 'sub')) {
        view.blocked.push(target);
        await route.fulfill({ status: 403, contentType: 'text/html', body: BLOCKED_PAGE(target) });
        return;
      }
    }
    await route.fulfill({ response });
  }

  const host: PlaywrightViewHost = {
    async open(session: OpenSession, slot: PartitionSlot, url: string, policy: NavigationPolicy, events: ViewEvents) {
      const id = session.session.id;
      if (views.has(id)) throw new Error(`session ${id} already has a view`);
      if (byPartition.has(slot.partition)) throw new Error(`${slot.partition} is still in use`);
      const context = await (
        await getBrowser()
      ).newContext({ viewport, permissions: [], acceptDownloads: false, serviceWorkers: 'block' });
      try {
        const page = await context.newPage();
        const view: View = {
          sessionId: id,
          partition: slot.partition,
          context,
          page,
          events,
          preview: null,
          banner: null,
          blocked: [],
        };
        await context.route('**/*', (route) =>
          guard(view, policy, route).catch((error: unknown) => {
            // First line only: Playwright's call log after it lists every request header, cookies included.
            log(`routing ${withoutQueryValues(route.request().url())} failed: ${firstLine(error)}`);
            return route.abort('failed').catch(() => undefined);
          }),
        );
        // Pop-ups open in the same view when allowed (the policy's "same-view"), else never.
        context.on('page', (popup) => {
          if (popup === page) return;
          const target = popup.url();
          void popup.close().catch(() => undefined);
          if (target && target !== 'about:blank' && isNavigationAllowed(target, policy))
            void page.goto(target).catch(() => undefined);
        });
        page.on('framenavigated', (frame) => {
          if (frame === page.mainFrame()) {
            events.onActivity();
            void capture(view);
          }
        });
        views.set(id, view);
        byPartition.set(slot.partition, view);
        await page.goto(url);
      } catch (error) {
        views.delete(id);
        byPartition.delete(slot.partition);
        await context.close().catch(() => undefined);
        throw error;
      }
    },
    show(sessionId: string | null, bounds?: Bounds) {
      shownId = sessionId !== null && views.has(sessionId) ? sessionId : null;
      const view = shownId ? views.get(shownId) : undefined;
      if (!view) return;
      // The preview fills the tab's content area, so preview pixels are page pixels for clicks.
      const resize =
        bounds && bounds.width >= 200 && bounds.height >= 150
          ? view.page.setViewportSize({ width: Math.min(bounds.width, 3840), height: Math.min(bounds.height, 2160) })
          : Promise.resolve();
      void resize.catch(() => undefined).then(() => capture(view));
    },
    update(state: BannerState) {
      const view = views.get(state.sessionId);
      if (view) view.banner = state;
    },
    async close(sessionId: string) {
      const view = views.get(sessionId);
      if (!view) return;
      views.delete(sessionId);
      if (shownId === sessionId) shownId = null;
      await view.context.close();
    },
    async wipe(partition: string) {
      // Closing the context discards its cookies, storage and cache: nothing of it survives.
      const view = byPartition.get(partition);
      byPartition.delete(partition);
      if (!view) return;
      views.delete(view.sessionId);
      await view.context.close();
    },
    page: (sessionId) => views.get(sessionId)?.page ?? null,
    context: (sessionId) => views.get(sessionId)?.context ?? null,
    preview: (sessionId) => views.get(sessionId)?.preview ?? null,
    async click(sessionId, x, y) {
      const view = views.get(sessionId);
      if (!view) return false;
      await view.page.mouse.click(x, y);
      view.events.onActivity();
      return true;
    },
    shown: () => shownId,
    banner: (sessionId) => views.get(sessionId)?.banner ?? null,
    blocked: (sessionId) => views.get(sessionId)?.blocked ?? [],
    async dispose() {
      clearInterval(previewTimer);
      for (const view of views.values()) await view.context.close().catch(() => undefined);
      views.clear();
      byPartition.clear();
      if (browser && !options.browser) await (await browser).close();
      browser = null;
    },
  };
  return host;
}
