import type { Page } from '@playwright/test';
import type { Bounds } from '../../shared/ipc/contract';

/**
 * The latest picture of a session's storefront (`preview.jpg`): a screenshot on every main-frame
 * navigation, one when it is shown, and one every interval while it is the shown session — unless
 * its screencast is live, whose frames keep the picture current.
 */

export interface PreviewedView {
  page: Page;
  /** The latest JPEG, null until the first capture. */
  preview: Buffer | null;
  screencast: { live(): boolean };
  /** A screenshot is running: another one would show nothing newer. */
  capturing: boolean;
  /**
   * The size to give the viewport once the running screenshot ends: Chromium restores the
   * emulation it found when a screenshot began, which would undo a change made meanwhile.
   */
  sizeAfterCapture: { width: number; height: number } | null;
}

export async function capturePreview(view: PreviewedView): Promise<void> {
  if (view.capturing || view.screencast.live()) return;
  view.capturing = true;
  try {
    view.preview = await view.page.screenshot({ type: 'jpeg', quality: 70 });
  } catch {
    // The page is navigating or closing; the next tick tries again.
  } finally {
    view.capturing = false;
  }
  const size = view.sizeAfterCapture;
  view.sizeAfterCapture = null;
  if (size) await view.page.setViewportSize(size).catch(() => undefined);
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
 * Sizes the page's viewport to the tab's area the storefront fills, so frame and preview pixels
 * are page pixels for input; bounds too small to be a real layout are ignored.
 */
export function fitViewportToBounds(view: PreviewedView, bounds: Bounds | undefined): Promise<void> {
  if (!bounds || bounds.width < 200 || bounds.height < 150) return Promise.resolve();
  const size = { width: Math.min(bounds.width, 3840), height: Math.min(bounds.height, 2160) };
  if (!view.capturing) return view.page.setViewportSize(size);
  view.sizeAfterCapture = size;
  return Promise.resolve();
}
