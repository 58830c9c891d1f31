import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from '@playwright/test';
import {
  AGENT,
  allWebContents,
  type Harness,
  JANE_SMITH,
  loadedSessionViews,
  runInView,
  signIn,
  skipWithoutElectron,
  startHarness,
  startSession,
  until,
  urlOf,
} from './support';

/**
 * The storefront cannot leave its store, in real Electron: a link to another origin, a server
 * redirect to another origin and window.open of another origin are refused, and the view stays
 * on the store's pages; the same moves inside the store go through, so the refusals are the
 * policy's and not a dead page. The other origin is a server of the test's own that counts hits.
 *
 * The demo shop never redirects off its own origin, so the console reaches it through a front
 * of the test's own (the shop's public URL) that passes everything on, except one path in the
 * store that answers a redirect to the other origin.
 */

skipWithoutElectron();

const LEAVING_PATH = 'e2e-leave-store';

interface Listening {
  server: Server;
  url: string;
}

async function listen(server: Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function stop(listening: Listening | undefined): Promise<void> {
  if (!listening) return;
  listening.server.closeAllConnections();
  await new Promise<void>((resolve) => {
    listening.server.close(() => {
      resolve();
    });
  });
}

/** Another origin: it records every request it gets (none may come from the storefront). */
async function startOffStore(): Promise<Listening & { hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '/');
    res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Not the store</h1>');
  });
  return { ...(await listen(server)), hits };
}

/** The shop's front: passes every request to `target`, except the store path that redirects to `leaveTo`. */
async function startFront(
  leaveTo: string,
): Promise<Listening & { redirects: () => number; pointAt(target: string): void }> {
  let target = '';
  let redirects = 0;
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === `/store/us/${LEAVING_PATH}`) {
      redirects += 1;
      res.writeHead(302, { location: leaveTo }).end();
      return;
    }
    if (!target) {
      res.writeHead(503).end();
      return;
    }
    // The Host header goes on unchanged: the shop answers as the public URL it was given.
    const upstream = request(`${target}${path}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  const listening = await listen(server);
  return {
    ...listening,
    redirects: () => redirects,
    pointAt(url) {
      target = url;
    },
  };
}

/** A refused navigation leaves nothing to wait for; this is well past a loopback round trip. */
const settle = () => sleep(1_500);

/** Adds a link to the page and clicks it, as a person would (a user gesture). */
const clickLink = (href: string) =>
  `(() => {
    const link = document.createElement('a');
    link.href = ${JSON.stringify(href)};
    link.textContent = 'e2e link';
    document.body.append(link);
    link.click();
    return true;
  })()`;

let harness: Harness | undefined;
let offStore: (Listening & { hits: string[] }) | undefined;
let front: Awaited<ReturnType<typeof startFront>> | undefined;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  offStore = await startOffStore();
  front = await startFront(`${offStore.url}/redirected`);
  harness = await startHarness({ publicUrl: front.url });
  front.pointAt(harness.shop.url);
});

test.afterAll(async () => {
  await harness?.close();
  await stop(front);
  await stop(offStore);
});

test('a link, a server redirect and window.open to another origin are refused; the view stays in its store', async () => {
  test.setTimeout(150_000);
  const h = harness!;
  const other = offStore!;
  const page = await h.launch();
  const app = h.app();
  await signIn(page, AGENT, h.code);
  const sessionId = await startSession(page, JANE_SMITH, 'Customer asks where her parcel is', () => h.code(AGENT));
  const { storefront } = await loadedSessionViews(app, sessionId, h.storeUrl);
  const view = storefront.webContentsId;
  const home = storefront.url;
  const contentsBefore = (await allWebContents(app)).map((w) => w.id).sort();

  // 1. A link to another origin: refused before any request leaves.
  await runInView(app, view, clickLink(`${other.url}/linked`), { userGesture: true });
  await settle();
  expect(await urlOf(app, view)).toBe(home);

  // The same kind of link inside the store is followed: the refusal above is the policy's.
  const orders = `${h.storeUrl}account/orders`;
  await runInView(app, view, clickLink(orders), { userGesture: true });
  await until('the in-store link followed', async () => ((await urlOf(app, view)) === orders ? true : null));

  // 2. A store page whose answer redirects to another origin: the hop is refused.
  await runInView(app, view, `location.assign(${JSON.stringify(`${h.storeUrl}${LEAVING_PATH}`)}); true`, {
    userGesture: true,
  });
  await until('the front to answer the redirect', () => Promise.resolve(front!.redirects() > 0 ? true : null));
  await settle();
  expect(await urlOf(app, view)).toBe(orders);

  // 3. window.open of another origin: no window, and the view does not go there either.
  const opened = await runInView(app, view, `window.open(${JSON.stringify(`${other.url}/popup`)}) === null`, {
    userGesture: true,
  });
  expect(opened, 'window.open returned no window').toBe(true);
  await settle();
  expect(await urlOf(app, view)).toBe(orders);
  expect((await allWebContents(app)).map((w) => w.id).sort()).toEqual(contentsBefore);

  // window.open of a store page shows it in the same view: the handler ran and chose.
  const cart = `${h.storeUrl}cart`;
  await runInView(app, view, `window.open(${JSON.stringify(cart)}); true`, { userGesture: true });
  await until('the in-store pop-up shown in the view', async () => ((await urlOf(app, view)) === cart ? true : null));
  expect((await allWebContents(app)).map((w) => w.id).sort()).toEqual(contentsBefore);

  // Nothing ever reached the other origin, and no webContents in the app shows it.
  expect(other.hits).toEqual([]);
  expect((await allWebContents(app)).filter((w) => w.url.startsWith(other.url))).toEqual([]);
});
