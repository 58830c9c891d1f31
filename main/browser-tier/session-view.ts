import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { BannerState } from '../../shared/ipc/contract';
import type { NavigationPolicy } from '../core/navigation-policy';
import type { ViewEvents } from '../core/view-host';
import { keepPopupsInView, routeThroughPolicy } from './navigation-guard';
import { capturePreview } from './view-previews';
import { createScreencast, type Screencast } from './view-screencast';

/** One assisted session's storefront in the browser tier: a page in a browser context of its own. */

export interface View {
  sessionId: string;
  partition: string;
  context: BrowserContext;
  /** The storefront's page; a crashed one is replaced by a new page in the same context on reload. */
  page: Page;
  /** A replacement page is being opened (not a pop-up to close). */
  opening: boolean;
  crashed: boolean;
  /** The page's latest main-frame URL, where a replacement page starts. */
  lastUrl: string;
  events: ViewEvents;
  /** The latest picture of the page: a screencast frame or a preview screenshot. */
  preview: Buffer | null;
  screencast: Screencast;
  /** The agent's input, played one after the other in the order it came. */
  inputs: Promise<unknown>;
  /** A preview screenshot is running, and the viewport size waiting for it to end (view-previews.ts). */
  capturing: boolean;
  sizeAfterCapture: { width: number; height: number } | null;
  /** The banner's latest state; the console page shows it, there is no banner view here. */
  banner: BannerState | null;
  blocked: string[];
}

/** No cookies, storage or cache shared with any other session; no permission, no download, no service worker. */
export function newIsolatedContext(
  browser: Browser,
  viewport: { width: number; height: number },
): Promise<BrowserContext> {
  return browser.newContext({ viewport, permissions: [], acceptDownloads: false, serviceWorkers: 'block' });
}

/** The session's page in `context`, under the policy, reporting navigations as activity; not navigated yet. */
export async function prepareView(
  context: BrowserContext,
  session: { sessionId: string; partition: string; policy: NavigationPolicy; events: ViewEvents },
  log: (message: string) => void,
): Promise<View> {
  const page = await context.newPage();
  const view: View = {
    sessionId: session.sessionId,
    partition: session.partition,
    context,
    page,
    opening: false,
    crashed: false,
    lastUrl: 'about:blank',
    events: session.events,
    preview: null,
    screencast: createScreencast(page, {
      latest: () => view.preview,
      onFrame: (jpeg) => {
        view.preview = jpeg;
      },
      log,
    }),
    inputs: Promise.resolve(),
    capturing: false,
    sizeAfterCapture: null,
    banner: null,
    blocked: [],
  };
  await routeThroughPolicy(context, view, session.policy, log);
  keepPopupsInView(context, view, session.policy);
  watchPage(view, page);
  return view;
}

/** Navigations count as activity; a crash is reported, and a page that loads again clears it. */
function watchPage(view: View, page: Page): void {
  page.on('framenavigated', (frame) => {
    if (frame !== page.mainFrame()) return;
    // A new page's first blank document is not where the storefront was.
    if (frame.url() !== 'about:blank') view.lastUrl = frame.url();
    view.events.onActivity();
    void capturePreview(view);
  });
  page.on('load', () => {
    view.events.onTrouble(null);
  });
  page.on('crash', () => {
    view.crashed = true;
    view.events.onTrouble({ kind: 'crashed', reason: 'the page crashed' });
  });
}

/**
 * Loads the view again: a crashed page cannot be (every call on it fails), so a new page takes
 * its place in the same context (the customer's cookies, the policy's routes) at its last URL.
 */
export async function reloadView(view: View): Promise<void> {
  if (!view.crashed) {
    await view.page.reload();
    return;
  }
  const target = view.lastUrl;
  const crashed = view.page;
  // The new page is the view's before anything else awaits: the context's pop-up rule closes any
  // other page it hears of, and its event for this one may come after newPage() has answered.
  view.opening = true;
  try {
    view.page = await view.context.newPage();
  } finally {
    view.opening = false;
  }
  const page = view.page;
  view.crashed = false;
  watchPage(view, page);
  // The size the tab gave the crashed page (Playwright remembers it on the client side).
  const size = crashed.viewportSize();
  if (size) await page.setViewportSize(size);
  await view.screencast.usePage(page);
  // The crashed page is left to close with its context: closing it while Chromium is still
  // tearing its renderer down took the whole headless browser with it.
  await page.goto(target);
}
