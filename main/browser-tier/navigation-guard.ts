import type { BrowserContext, Page, Route } from '@playwright/test';
import { withoutQueryValues } from '../../shared/log-redaction';
import { isNavigationAllowed, isSubresourceAllowed, type NavigationPolicy } from '../core/navigation-policy';

/**
 * The navigation policy on every request of a session's browser context (`context.route`):
 * subresources and navigations outside the store are refused, every redirect hop is checked
 * again, and pop-ups never open a second page.
 */

export interface GuardedView {
  page: Page;
  /** Requests the policy refused, newest last. */
  blocked: string[];
}

const BLOCKED_PAGE = (url: string) =>
  `<!doctype html><meta charset="utf-8"><title>Blocked</title><body style="font:16px system-ui;margin:2rem">` +
  `<h1>Not part of this store</h1><p>The assisted view only opens the customer's store. Refused: <code>${url.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`)}</code></p></body>`;

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? '';
}

async function guardRequest(view: GuardedView, policy: NavigationPolicy, route: Route): Promise<void> {
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

/** Every request of `context` passes `guardRequest`; one that fails to be routed is aborted and logged. */
export async function routeThroughPolicy(
  context: BrowserContext,
  view: GuardedView,
  policy: NavigationPolicy,
  log: (message: string) => void,
): Promise<void> {
  await context.route('**/*', (route) =>
    guardRequest(view, policy, route).catch((error: unknown) => {
      // First line only: Playwright's call log after it lists every request header, cookies included.
      log(`routing ${withoutQueryValues(route.request().url())} failed: ${firstLine(error)}`);
      return route.abort('failed').catch(() => undefined);
    }),
  );
}

/**
 * Pop-ups open in the same view when allowed (the policy's "same-view"), else never. The view's
 * page is read at each pop-up: a crashed page is replaced by a new one (`opening` meanwhile).
 */
export function keepPopupsInView(
  context: BrowserContext,
  view: { page: Page; opening: boolean },
  policy: NavigationPolicy,
): void {
  context.on('page', (popup) => {
    if (popup === view.page || view.opening) return;
    const target = popup.url();
    void popup.close().catch(() => undefined);
    if (target && target !== 'about:blank' && isNavigationAllowed(target, policy))
      void view.page.goto(target).catch(() => undefined);
  });
}
