/**
 * The assisted storefront, `/concierge/store/<code>/…` (server-rendered HTML, no scripts):
 *   GET  assist/enter?code=…   redeems a one-time handoff code → HttpOnly cookie scoped to the store, 303 to its home;
 *                              a used/expired/ended link is 410, an unknown one 404 (the code is never logged).
 *   GET  /  /products/:handle  /account  /orders  /orders/:id   — pages, each recorded with recordPage.
 *   POST cart/add (act mode only)  account/email  account/password  account/payment (never: sensitive).
 * Every other request needs the assisted cookie: none/unknown 401, an ended session 410, another store's 403.
 * Every POST carries a form token (http.ts); view mode refuses every action (403, recordAction 'view_only'),
 * sensitive ones are refused in every mode ('sensitive'); a done action is recorded, then 303 with a notice.
 * Every response: no-store + strict CSP (http.ts). Pages: routes.ts → pages.ts, layout.ts, html.ts; Medusa: store-api.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EndReason } from '../../protocol/protocol';
import type { Deps } from '../deps';
import { originOf } from '../router';
import { findStoreByCode } from '../stores';
import { redeemHandoff, recordAction, recordPage, resolveAssistCookie, type HandoffRefusal } from './access';
import { PageError } from './errors';
import { html } from './html';
import {
  assistCookie,
  clearAssistCookie,
  csrfTokenFor,
  csrfTokenMatches,
  keepQueryOutOfLogs,
  readAssistCookie,
  readForm,
  redirect,
  sendHtml,
} from './http';
import { barePage, storePage } from './layout';
import { decide, REFUSAL_PAGES } from './policy';
import { ACTIONS, PAGES, type AssistedRequest, type PageResult } from './routes';
import { StoreApiError, storeApi } from './store-api';

const STORE_CODE = /^[A-Za-z0-9_-]{1,64}$/;

const HANDOFF_REFUSALS: Readonly<Record<HandoffRefusal, { status: number; title: string; message: string }>> = {
  used: {
    status: 410,
    title: 'This link was already used',
    message: 'An assisted-session link works once. Start a new session from the Concierge console.',
  },
  expired: {
    status: 410,
    title: 'This link has expired',
    message: 'An assisted-session link works for a few seconds only. Start a new session from the Concierge console.',
  },
  session_ended: {
    status: 410,
    title: 'This assisted session has ended',
    message: 'The session this link was made for has already ended. Start a new session from the Concierge console.',
  },
  unknown: {
    status: 404,
    title: 'This link is not valid',
    message:
      'It may have been used or expired, or it was copied incompletely. Start a new session from the Concierge console.',
  },
};

/** The protocol's EndReason values, in words. */
const ENDED: Readonly<Record<EndReason, string>> = {
  ended_by_agent: 'The agent ended it.',
  terminated_by_supervisor: 'A supervisor ended it.',
  idle_timeout: 'It timed out after a period of inactivity.',
  max_length: 'It reached its maximum length.',
  sign_out: 'The agent signed out.',
  app_exit: 'The agent closed the console.',
  ended_by_customer: 'The customer ended it.',
  access_revoked: 'The agent’s access was withdrawn.',
  console_lost: 'The agent’s console stopped answering.',
};

/** `path` is below the `/concierge` prefix, with its query: `/store/us/products/earl-grey`. */
export async function handleStorefront(
  deps: Deps,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const url = new URL(path, 'http://storefront.invalid');
  const prefix = new URL(deps.publicUrl).pathname.replace(/\/+$/, '');
  const [, code = '', rest = ''] = /^\/store\/([^/]+)(\/.*)?$/.exec(url.pathname) ?? [];
  try {
    if (!STORE_CODE.test(code)) throw new PageError(404, 'Not found', 'There is no such store.');
    const base = `${prefix}/store/${code}`;
    // Without the slash the browser would not send the cookie, which is scoped to `<base>/`.
    if (rest === '') return redirect(res, `${base}/`);
    if (rest === '/assist/enter') return await enter(deps, req, res, url, prefix, base);
    await serveAssisted(deps, req, res, url, code, base, rest);
  } catch (error) {
    // The path only: the query may hold a handoff code.
    const shown = shownError(error, req, url.pathname);
    sendHtml(res, shown.status, barePage(shown.title, shown.message));
  }
}

/** Redeems a handoff code: the one way into an assisted session. */
async function enter(
  deps: Deps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  prefix: string,
  base: string,
): Promise<void> {
  const code = url.searchParams.get('code') ?? '';
  keepQueryOutOfLogs(req, `${base}/assist/enter`);
  if (req.method !== 'GET') throw new PageError(405, 'Not allowed', 'Open this link in the browser.');
  const result =
    code.length <= 200 ? await redeemHandoff(deps, code, originOf(req)) : ({ ok: false, reason: 'unknown' } as const);
  if (!result.ok) {
    const refusal = HANDOFF_REFUSALS[result.reason];
    return sendHtml(res, refusal.status, barePage(refusal.title, refusal.message), [
      clearAssistCookie(`${base}/`, deps.publicUrl),
    ]);
  }
  // The session's own store (the same as the link's, unless the link was edited).
  const storeCode = result.session.storeCode;
  if (!STORE_CODE.test(storeCode)) throw new Error('assisted session has a store code unusable in a path');
  const home = `${prefix}/store/${storeCode}/`;
  redirect(res, home, [assistCookie(home, result.cookieSecret, deps.publicUrl)]);
}

async function serveAssisted(
  deps: Deps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  code: string,
  base: string,
  rest: string,
): Promise<void> {
  const cookiePath = `${base}/`;
  const found = await findStoreByCode(deps, code);
  if (!found) throw new PageError(404, 'Not found', 'There is no such store.');
  const secret = readAssistCookie(req);
  if (!secret)
    return sendHtml(
      res,
      401,
      barePage(
        'No assisted session',
        'This page opens only in an assisted session. Start one from the Concierge console.',
      ),
    );
  const resolved = await resolveAssistCookie(deps, secret);
  if (!resolved.ok) {
    const endReason = resolved.endReason;
    if (endReason === null)
      return sendHtml(
        res,
        401,
        barePage(
          'No assisted session',
          'This assisted session is not known here. Start a new one from the Concierge console.',
        ),
        [clearAssistCookie(cookiePath, deps.publicUrl)],
      );
    // The cookie is kept (it can never open anything again), so every page of this tab keeps saying why.
    const why = ENDED[endReason];
    return sendHtml(
      res,
      410,
      barePage(
        'This assisted session has ended',
        `${why} Start a new session from the Concierge console if the customer still needs help.`,
      ),
    );
  }
  const session = resolved.session;
  if (session.storeCode !== code || session.storeId !== found.channel.id)
    throw new PageError(
      403,
      'Another store',
      'This assisted session is for another store. Nothing here can be opened with it.',
    );

  const origin = originOf(req);
  const publishableKey = found.channel.metadata?.concierge_publishable_key;
  const r: AssistedRequest = {
    deps,
    session,
    origin,
    base,
    store: found.store,
    channel: found.channel,
    query: url.searchParams,
    api: storeApi(deps.medusaUrl, typeof publishableKey === 'string' ? publishableKey : ''),
    forms: { base, csrf: csrfTokenFor(secret), mode: session.mode },
  };
  const page = (status: number, result: PageResult) =>
    sendHtml(
      res,
      status,
      storePage({ session, store: found.store, base, title: result.title, content: result.content }),
    );
  const pagePath = `${base}${rest}`;

  if (req.method === 'GET') {
    let status = 200;
    let result: PageResult;
    try {
      if (typeof publishableKey !== 'string')
        throw new PageError(
          503,
          'Store not set up',
          'This store has no publishable API key for the assisted storefront (sales channel metadata concierge_publishable_key).',
        );
      result = await loadPage(r, rest);
    } catch (error) {
      const shown = shownError(error, req, url.pathname);
      status = shown.status;
      result = { title: shown.title, content: errorContent(base, shown) };
    }
    await recordPage(deps, session, { title: result.title, path: pagePath }, origin);
    return page(status, result);
  }

  if (req.method !== 'POST') throw new PageError(405, 'Not allowed', 'This address answers GET and POST only.');
  const action = ACTIONS.find((a) => a.path === rest);
  if (!action) throw new PageError(404, 'Not found', 'There is no such action in this store. Nothing was changed.');
  try {
    const form = await readForm(req);
    if (!csrfTokenMatches(secret, form._csrf))
      throw new PageError(
        403,
        'Form out of date',
        'This form did not come from the current page of this session. Reload the page and try again. Nothing was changed.',
        'csrf',
      );
    const decision = decide(session.mode, action.kind);
    if (!decision.allowed)
      throw new PageError(
        403,
        REFUSAL_PAGES[decision.reason].title,
        REFUSAL_PAGES[decision.reason].message,
        decision.reason,
      );
    if (action.kind !== 'shopping') throw new Error(`action ${action.name} allowed without a handler`);
    if (typeof publishableKey !== 'string')
      throw new PageError(
        503,
        'Store not set up',
        'This store has no publishable API key for the assisted storefront. Nothing was changed.',
      );
    const done = await action.run(r, form);
    await recordAction(deps, session, 'done', { action: action.name, ...done.details }, origin);
    redirect(res, done.location);
  } catch (error) {
    const shown = shownError(error, req, url.pathname);
    // Never the form's values: they may be an email address or a password.
    await recordAction(
      deps,
      session,
      'refused',
      { action: action.name, reason: shown.reason, status: shown.status, path: pagePath },
      origin,
    );
    page(shown.status, { title: shown.title, content: errorContent(base, shown) });
  }
}

async function loadPage(r: AssistedRequest, rest: string): Promise<PageResult> {
  for (const route of PAGES) {
    const match = route.pattern.exec(rest);
    if (!match) continue;
    let params: string[];
    try {
      params = match.slice(1).map((p) => decodeURIComponent(p ?? ''));
    } catch {
      break; // A malformed escape: not found.
    }
    return route.load(r, params);
  }
  throw new PageError(404, 'Not found', 'There is no such page in this store.', 'not_found');
}

interface Shown {
  status: number;
  title: string;
  message: string;
  reason: string;
}

/** An error as the page shows it; anything unexpected is logged (method and path only) and shown as a 500. */
function shownError(error: unknown, req: IncomingMessage, pathname: string): Shown {
  if (error instanceof PageError)
    return { status: error.status, title: error.title, message: error.message, reason: error.refusal ?? 'error' };
  if (
    error instanceof StoreApiError &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 401 &&
    error.status !== 404
  ) {
    // Medusa refused the request itself (not enough stock, a closed cart): its words, not a failure of ours.
    const said = error.medusaMessage ? `: “${error.medusaMessage}”` : '.';
    return {
      status: 409,
      title: 'The store refused this',
      message: `Medusa did not accept this${said} Nothing was changed.`,
      reason: 'store_refused',
    };
  }
  if (error instanceof StoreApiError) {
    console.error('concierge storefront: Store API call failed', req.method, pathname, error.message);
    return {
      status: 502,
      title: 'The store did not answer',
      message: 'Medusa’s Store API could not do this just now. Nothing was changed; try again in a moment.',
      reason: 'store_error',
    };
  }
  console.error('concierge storefront: request failed', req.method, pathname, error);
  return {
    status: 500,
    title: 'Something went wrong',
    message: 'The store could not handle this request. Please try again.',
    reason: 'error',
  };
}

function errorContent(base: string, shown: Shown) {
  return html`<div class="card" data-testid="error-page">
    <h1>${shown.title}</h1>
    <p>${shown.message}</p>
    <p class="muted">Error ${shown.status} · <a href="${base}/">Back to the products</a></p>
  </div>`;
}
