import { expect, test } from '@playwright/test';
import {
  AGENT,
  electronSpec,
  JANE_SMITH,
  loadedSessionViews,
  sessionAtShop,
  signIn,
  startSession,
  supervisorToken,
} from './support';

/**
 * Quitting the console in real Electron with a session live ends that session at the shop before
 * the process exits (`app_exit`), instead of leaving it to lapse as `console_lost`.
 */

const harness = electronSpec();

test('quitting with a live session ends it at the shop as app_exit', async () => {
  test.setTimeout(120_000);
  const h = harness();
  const page = await h.launch();
  await signIn(page, AGENT, h.code);
  const sessionId = await startSession(page, JANE_SMITH, 'Customer asks about a refund', () => h.code(AGENT));
  await loadedSessionViews(h.app(), sessionId, h.storeUrl);
  const token = await supervisorToken(h.shopUrl, h.code);
  expect((await sessionAtShop(h.shopUrl, token, sessionId)).status).toBe('active');

  // app.quit() as Playwright closes an Electron app; main holds the quit until the shop has answered.
  const { exitCode } = await h.quit();
  expect(exitCode).toBe(0);

  // Read right after the process ended: no waiting for a console lease to lapse.
  const ended = await sessionAtShop(h.shopUrl, token, sessionId);
  expect(ended.status).toBe('ended');
  expect(ended.endReason).toBe('app_exit');
});
