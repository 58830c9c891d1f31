import type { Page } from '@playwright/test';
import type { Bounds } from '../../shared/ipc/contract';

/**
 * The browser tier shows a session's storefront as JPEG previews: one on every main-frame
 * navigation, one when it is shown, and one every interval while it is the shown session.
 */

export interface PreviewedView {
  page: Page;
  /** The latest JPEG, null until the first capture. */
  preview: Buffer | null;
}

export async function capturePreview(view: PreviewedView): Promise<void> {
  try {
    view.preview = await view.page.screenshot({ type: 'jpeg', quality: 70 });
  } catch {
    // The page is navigating or closing; the next tick tries again.
  }
}

/** Captures the shown view every `intervalMs`; returns the stop. */
export function capturePreviewsOfShown(intervalMs: number, shown: () => PreviewedView | undefined): () => void {
  const timer = setInterval(() => {
    const view = shown();
    if (view) void capturePreview(view);
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}

/**
 * Sizes the page's viewport to the tab's content area the preview fills, so preview pixels are
 * page pixels for clicks; bounds too small to be a real layout are ignored.
 */
export function fitViewportToBounds(page: Page, bounds: Bounds | undefined): Promise<void> {
  return bounds && bounds.width >= 200 && bounds.height >= 150
    ? page.setViewportSize({ width: Math.min(bounds.width, 3840), height: Math.min(bounds.height, 2160) })
    : Promise.resolve();
}
