import type { Browser } from '@playwright/test';

/**
 * Crashing a page's renderer as the OS would (an out-of-memory kill): SIGKILL to renderer
 * processes of `browser`. CDP's Page.crash sometimes took the whole headless browser down with it;
 * a killed renderer never does, and its pages report `crash` as in real life.
 */

/** The pids of the browser's renderer processes now. */
export async function rendererPids(browser: Browser): Promise<Set<number>> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
    return new Set(processInfo.filter((p) => p.type === 'renderer').map((p) => p.id));
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

/** Kills every renderer of `browser` but those in `keep` (say, the console's own page). */
export async function killRenderers(browser: Browser, keep: ReadonlySet<number> = new Set()): Promise<void> {
  for (const pid of await rendererPids(browser))
    if (!keep.has(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already (a spare renderer Chromium let go meanwhile).
      }
    }
}
