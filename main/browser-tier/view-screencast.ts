import type { CDPSession, Page } from '@playwright/test';

/**
 * A session's storefront as a live JPEG screencast (CDP `Page.startScreencast`): frames flow only
 * while the view is shown and someone watches, and stop when the last viewer leaves, the view is
 * hidden or it closes. Each frame is acknowledged at once, so Chromium sends the next one.
 */

/** One viewer: a connection the frames are written to. */
export interface FrameSink {
  send(jpeg: Buffer): void;
  end(): void;
}

export interface Screencast {
  /** Adds a viewer, who gets the latest frame at once; returns its removal. */
  watch(sink: FrameSink): () => void;
  /** Frames flow only while the view is shown; hiding it ends the viewers' connections. */
  setShown(shown: boolean): void;
  /** Whether frames flow now (shown and watched): previews need no screenshot then. */
  live(): boolean;
  /** Goes on from another page (the view's crashed page was replaced), keeping its viewers. */
  usePage(page: Page): Promise<void>;
  /** Ends every viewer and stops for good. */
  close(): Promise<void>;
}

export interface ScreencastOptions {
  /** The latest frame, or the latest preview before the first frame. */
  latest: () => Buffer | null;
  /** Every frame, to keep the view's preview current. */
  onFrame: (jpeg: Buffer) => void;
  log: (message: string) => void;
}

const SCREENCAST = { format: 'jpeg', quality: 70, everyNthFrame: 1 } as const;

async function startFrames(page: Page, onFrame: (jpeg: Buffer) => void): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  cdp.on('Page.screencastFrame', (frame) => {
    void cdp.send('Page.screencastFrameAck', { sessionId: frame.sessionId }).catch(() => undefined);
    onFrame(Buffer.from(frame.data, 'base64'));
  });
  try {
    await cdp.send('Page.startScreencast', SCREENCAST);
  } catch (error) {
    await cdp.detach().catch(() => undefined);
    throw error;
  }
  return cdp;
}

async function stopFrames(cdp: CDPSession): Promise<void> {
  await cdp.send('Page.stopScreencast').catch(() => undefined);
  // Not awaited: detaching from a crashed page's session never answers.
  void cdp.detach().catch(() => undefined);
}

export function createScreencast(firstPage: Page, options: ScreencastOptions): Screencast {
  let page = firstPage;
  const viewers = new Set<FrameSink>();
  let shown = false;
  let closed = false;
  let cdp: CDPSession | null = null;
  // Starts and stops run one at a time; each brings the screencast to what is wanted by then.
  let syncing = Promise.resolve();

  const wanted = () => !closed && shown && viewers.size > 0;

  function endViewers(): void {
    for (const viewer of viewers) viewer.end();
    viewers.clear();
  }

  function frame(jpeg: Buffer): void {
    options.onFrame(jpeg);
    for (const viewer of viewers) viewer.send(jpeg);
  }

  function sync(): Promise<void> {
    syncing = syncing
      .then(async () => {
        if (wanted() && !cdp) cdp = await startFrames(page, frame);
        else if (!wanted() && cdp) {
          const stopping = cdp;
          cdp = null;
          await stopFrames(stopping);
        }
      })
      .catch((error: unknown) => {
        // The page closed or navigated away mid-start: the next change of state tries again.
        if (!closed) options.log(`screencast: ${error instanceof Error ? error.message.split('\n', 1)[0] : ''}`);
      });
    return syncing;
  }

  return {
    watch(sink) {
      if (closed) {
        sink.end();
        return () => undefined;
      }
      viewers.add(sink);
      const latest = options.latest();
      if (latest) sink.send(latest);
      void sync();
      return () => {
        if (viewers.delete(sink)) void sync();
      };
    },
    setShown(value) {
      if (shown === value) return;
      shown = value;
      if (!shown) endViewers();
      void sync();
    },
    live: () => cdp !== null && wanted(),
    async usePage(next) {
      // The old page's CDP session died with it: nothing to stop.
      await syncing;
      page = next;
      cdp = null;
      await sync();
    },
    async close() {
      closed = true;
      endViewers();
      await sync();
    },
  };
}
