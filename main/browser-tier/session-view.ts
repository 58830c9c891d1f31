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
  page: Page;
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
  keepPopupsInView(context, page, session.policy);
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) {
      session.events.onActivity();
      void capturePreview(view);
    }
  });
  return view;
}
