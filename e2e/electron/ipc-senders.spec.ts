import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test, type ElectronApplication } from '@playwright/test';
import { BANNER_END, BANNER_KEEP_ALIVE, invokeChannel } from '../../preload/ipc-names';
import {
  AGENT,
  type Harness,
  JANE_SMITH,
  loadedSessionViews,
  openSessions,
  runInView,
  sessionAtShop,
  signIn,
  skipWithoutElectron,
  startHarness,
  startSession,
  supervisorToken,
} from './support';

/**
 * Only the console window may call the console, in real Electron. The storefront and banner
 * pages run sandboxed with context isolation, so their own script cannot reach ipcRenderer at
 * all: that is asserted first. To prove main's sender check as well, a probe preload (standing
 * in for a compromised renderer that did get ipcRenderer) is planted in each view's session, and
 * its calls on the console's channels come back `forbidden_sender`; the banner's channels called
 * from the storefront end nothing.
 */

skipWithoutElectron();

const PROBE_ID = 'e2e-ipc-probe';
/** A sandboxed preload: `require('electron')` gives it ipcRenderer, which it hands to the page as `e2eProbe.invoke`. */
const PROBE = `const { contextBridge, ipcRenderer } = require('electron');
contextBridge.exposeInMainWorld('e2eProbe', { invoke: (channel) => ipcRenderer.invoke(channel, {}) });
`;

let harness: Harness | undefined;
let probeDir: string | undefined;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  probeDir = await mkdtemp(join(tmpdir(), 'concierge-e2e-probe-'));
  await writeFile(join(probeDir, 'probe.cjs'), PROBE);
  harness = await startHarness();
});

test.afterAll(async () => {
  await harness?.close();
  if (probeDir) await rm(probeDir, { recursive: true, force: true });
});

/** Registers the probe on the view's session and reloads the view so that it runs. */
async function plantProbe(app: ElectronApplication, webContentsId: number, file: string): Promise<void> {
  await app.evaluate(
    ({ webContents }, { id, filePath, probeId }) =>
      new Promise<void>((resolve, reject) => {
        const contents = webContents.fromId(id);
        if (!contents) {
          reject(new Error(`webContents ${id} is gone`));
          return;
        }
        contents.session.registerPreloadScript({ id: probeId, type: 'frame', filePath });
        const timer = setTimeout(() => {
          reject(new Error('the view did not reload'));
        }, 15_000);
        contents.once('did-finish-load', () => {
          clearTimeout(timer);
          resolve();
        });
        contents.reload();
      }),
    { id: webContentsId, filePath: file, probeId: PROBE_ID },
  );
}

/** The probe is per session, and a storefront partition outlives its session in the pool. */
async function removeProbe(app: ElectronApplication, webContentsId: number): Promise<void> {
  await app.evaluate(
    ({ webContents }, { id, probeId }) => {
      webContents.fromId(id)?.session.unregisterPreloadScript(probeId);
    },
    { id: webContentsId, probeId: PROBE_ID },
  );
}

const probeCall = (channel: string) =>
  `window.e2eProbe ? window.e2eProbe.invoke(${JSON.stringify(channel)}) : 'no probe in this page'`;

test('the storefront and the banner cannot call the console; main refuses them even with ipcRenderer', async () => {
  test.setTimeout(150_000);
  const h = harness!;
  const page = await h.launch();
  const app = h.app();
  await signIn(page, AGENT, h.code);
  const sessionId = await startSession(page, JANE_SMITH, 'Customer cannot see her invoice', () => h.code(AGENT));
  const { storefront, banner } = await loadedSessionViews(app, sessionId, h.storeUrl);

  // The console window's own page is served: the channels work from the right sender.
  const own = await page.evaluate(() => window.concierge?.['auth.state']({}));
  expect(own).toMatchObject({ ok: true, value: { status: 'signed_in' } });

  // The storefront has no preload: no bridge, nothing of Node or Electron.
  expect(
    await runInView(
      app,
      storefront.webContentsId,
      `({ concierge: typeof window.concierge, require: typeof require, process: typeof process })`,
    ),
  ).toEqual({ concierge: 'undefined', require: 'undefined', process: 'undefined' });

  // The banner page holds its three functions only; its preload's ipcRenderer stays in the isolated world.
  expect(
    await runInView(
      app,
      banner.webContentsId,
      `({
        bridge: Object.keys(window.concierge ?? {}).sort(),
        consoleCall: typeof window.concierge?.['sessions.open'],
        require: typeof require,
        process: typeof process,
        ipcRenderer: typeof window.ipcRenderer,
      })`,
    ),
  ).toEqual({
    bridge: ['endSession', 'keepAlive', 'onState'],
    consoleCall: 'undefined',
    require: 'undefined',
    process: 'undefined',
    ipcRenderer: 'undefined',
  });

  const probe = join(probeDir!, 'probe.cjs');
  const refused = { ok: false, error: { code: 'forbidden_sender' } };

  // The banner view's main frame, on the app's own origin, is still not the console window.
  await plantProbe(app, banner.webContentsId, probe);
  for (const channel of ['auth.state', 'sessions.open', 'sessions.end'])
    expect(await runInView(app, banner.webContentsId, probeCall(invokeChannel(channel))), channel).toMatchObject(
      refused,
    );
  await removeProbe(app, banner.webContentsId);

  // The storefront: refused on the console's channels, and the banner's end does nothing for it.
  await plantProbe(app, storefront.webContentsId, probe);
  for (const channel of ['auth.state', 'sessions.open', 'sessions.end'])
    expect(await runInView(app, storefront.webContentsId, probeCall(invokeChannel(channel))), channel).toMatchObject(
      refused,
    );
  expect(await runInView(app, storefront.webContentsId, probeCall(BANNER_END))).toBeUndefined();
  expect(await runInView(app, storefront.webContentsId, probeCall(BANNER_KEEP_ALIVE))).toBeUndefined();
  await removeProbe(app, storefront.webContentsId);

  // Had main taken that end, the session would be ending by now; it is live here and at the shop.
  await sleep(2_000);
  const live = (await openSessions(page)).find((s) => s.session.id === sessionId);
  expect(live?.state).toBe('open');
  const token = await supervisorToken(h.shopUrl, h.code);
  expect((await sessionAtShop(h.shopUrl, token, sessionId)).status).toBe('active');
});
