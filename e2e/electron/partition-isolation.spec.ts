import { expect, test } from '@playwright/test';
import {
  AGENT,
  consentingCustomers,
  type Customer,
  electronSpec,
  endSession,
  JANE_SMITH,
  loadedSessionViews,
  partitionCookies,
  partitionOfView,
  runInView,
  type SessionViews,
  signIn,
  startSession,
  until,
} from './support';

/**
 * Storefront partitions in real Electron: two customers' sessions open side by side share no
 * cookie and no storage, and a pooled partition handed to the next customer after a session
 * ended holds nothing of the one before (main wipes it on release).
 */

const harness = electronSpec();

const MARKER = 'e2e_marker';
const ASSIST_COOKIE = 'concierge_assist';

/** What the storefront's own page sees of the marker. */
const pageSees = `({
  cookie: document.cookie.split('; ').some((c) => c.startsWith('${MARKER}=')),
  stored: localStorage.getItem('${MARKER}'),
  text: document.body.innerText,
})`;

interface Seen {
  cookie: boolean;
  stored: string | null;
  text: string;
}

const firstName = (customer: Customer) => customer.name.split(' ')[0] ?? customer.name;

test('two customers share no cookie or storage; a reused slot holds nothing of the customer before', async () => {
  // Five sessions, each with a fresh step-up code: on the real clock that is one code per 30 s.
  test.setTimeout(420_000);
  const h = harness();
  const page = await h.launch();
  const app = h.app();
  const code = () => h.code(AGENT);
  await signIn(page, AGENT, h.code);
  const [second, ...next] = await consentingCustomers(page, 4);

  // Jane's storefront gets a cookie and a localStorage item of its own.
  const jane = await startSession(page, JANE_SMITH, 'Customer asks about her order', code);
  const janeViews = await loadedSessionViews(app, jane, h.storeUrl);
  const janePartition = await partitionOfView(app, janeViews.storefront.webContentsId);
  expect(janePartition, 'Jane’s storefront on a pooled partition').not.toBeNull();
  await runInView(
    app,
    janeViews.storefront.webContentsId,
    `document.cookie = '${MARKER}=jane; path=/; max-age=3600'; localStorage.setItem('${MARKER}', 'jane'); true`,
  );
  // The page's cookie write reaches the partition's cookie store on its own pipe: wait for it there.
  const janeCookies = await until('Jane’s marker cookie in her partition', async () => {
    const cookies = await partitionCookies(app, janePartition!);
    return cookies.some((c) => c.name === MARKER) ? cookies : null;
  });
  expect(janeCookies.map((c) => c.name)).toContain(ASSIST_COOKIE);
  const janeAssist = janeCookies.find((c) => c.name === ASSIST_COOKIE)?.value;

  // A second customer's session, open beside Jane's, sees none of it.
  const other = await startSession(page, second!, 'Customer asks about a delivery', code);
  const otherViews = await loadedSessionViews(app, other, h.storeUrl);
  const otherPartition = await partitionOfView(app, otherViews.storefront.webContentsId);
  expect(otherPartition).not.toBeNull();
  expect(otherPartition).not.toBe(janePartition);
  const otherSees = (await runInView(app, otherViews.storefront.webContentsId, pageSees)) as Seen;
  expect(otherSees.cookie).toBe(false);
  expect(otherSees.stored).toBeNull();
  const otherCookies = await partitionCookies(app, otherPartition!);
  expect(otherCookies.map((c) => c.name)).not.toContain(MARKER);
  expect(otherCookies.map((c) => c.name)).toContain(ASSIST_COOKIE);
  expect(
    otherCookies.find((c) => c.name === ASSIST_COOKIE)?.value === janeAssist,
    'each session has its own assisted cookie',
  ).toBe(false);
  // Jane's view still has hers: the second session took nothing away either.
  expect(((await runInView(app, janeViews.storefront.webContentsId, pageSees)) as Seen).stored).toBe('jane');

  // Jane's session ends: main wipes her partition before anyone may take it.
  await endSession(page, jane);
  await until(
    `${janePartition!} wiped`,
    async () => ((await partitionCookies(app, janePartition!)).length === 0 ? true : null),
    30_000,
  );

  // New sessions take the free slots until one gets Jane's partition back (the pool hands out
  // its free slots in order, so with four slots that is the third).
  let reused: { customer: Customer; views: SessionViews } | null = null;
  for (const customer of next) {
    const id = await startSession(page, customer, 'Customer wants to change an order', code);
    const views = await loadedSessionViews(app, id, h.storeUrl);
    if ((await partitionOfView(app, views.storefront.webContentsId)) === janePartition) {
      reused = { customer, views };
      break;
    }
  }
  if (!reused) throw new Error(`no new session got ${janePartition!} back after Jane’s ended`);

  // Only the new customer's assisted cookie; nothing Jane's page stored.
  const cookies = await partitionCookies(app, janePartition!);
  expect(cookies.map((c) => c.name)).toEqual([ASSIST_COOKIE]);
  expect(cookies[0]?.value === janeAssist, 'the reused partition carries a new assisted cookie').toBe(false);
  const seen = (await runInView(app, reused.views.storefront.webContentsId, pageSees)) as Seen;
  expect(seen.cookie).toBe(false);
  expect(seen.stored).toBeNull();
  expect(seen.text).toContain(`${firstName(reused.customer)}’s account`);
  expect(seen.text).not.toContain('Jane’s account');
});
