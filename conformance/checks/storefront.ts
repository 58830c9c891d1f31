import { storefrontGet } from '../http';
import { expect, need, type Check, type RunContext } from '../suite';
import { START } from './sessions';

const REDEEM = 'handoff: the code opens the storefront once';

const refused = (status: number) => status >= 400 && status < 500;

/** The browser's first step: the handoff URL sets the assisted cookie; the same URL again is refused. */
async function redeemOnce(ctx: RunContext): Promise<string> {
  const started = need(ctx.state.sessionA, START);
  const first = await storefrontGet(started.handoffUrl);
  expect(first.status < 400, `the handoff URL answered ${first.status}`);
  expect(first.setCookies !== '', 'the handoff set no cookie');
  started.cookie = first.setCookies;
  started.landingUrl = first.location ?? started.handoffUrl;
  const again = await storefrontGet(started.handoffUrl);
  expect(refused(again.status), `the handoff URL worked twice (second answer ${again.status})`);
  const { client } = await ctx.as('agent');
  const session = await client.session(started.session.id);
  expect(session.status === 'active', `after the handoff the session is ${session.status}, not active`);
  return `first ${first.status}, second ${again.status}; session active`;
}

/** The assisted cookie shows the customer's store while the session lives. */
async function cookieWorks(ctx: RunContext): Promise<string> {
  const { cookie, landingUrl } = need(ctx.state.sessionA, REDEEM);
  const page = await storefrontGet(need(landingUrl, REDEEM), need(cookie, REDEEM));
  expect(page.status >= 200 && page.status < 300, `the assisted page answered ${page.status}`);
  return `${new URL(need(landingUrl, REDEEM)).pathname}: ${page.status}`;
}

/** After the end, neither the cookie nor the handoff URL opens anything. */
async function refusedAfterEnd(ctx: RunContext): Promise<string> {
  const { cookie, landingUrl, handoffUrl, session } = need(ctx.state.sessionA, REDEEM);
  const { client } = await ctx.as('agent');
  const now = await client.session(session.id);
  expect(now.status === 'ended', `needs the session ended; it is ${now.status}`);
  const page = await storefrontGet(need(landingUrl, REDEEM), need(cookie, REDEEM));
  expect(refused(page.status), `the ended session's cookie still answered ${page.status}`);
  const handoff = await storefrontGet(handoffUrl);
  expect(refused(handoff.status), `the ended session's handoff answered ${handoff.status}`);
  return `cookie: ${page.status}, handoff: ${handoff.status}`;
}

export const redeemCheck: Check = { name: REDEEM, run: redeemOnce };
export const cookieCheck: Check = {
  name: "storefront: the assisted cookie opens the customer's store",
  run: cookieWorks,
};
export const afterEndCheck: Check = {
  name: "storefront: the ended session's cookie and handoff are refused",
  run: refusedAfterEnd,
};
