import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ReactNode } from 'react';
import type { z } from 'zod';
import type { ShopContext } from '../context';
import type { Queryable } from '../db/database';
import type { StorefrontAction } from './actions';
import { auditAssistedRequest, isAssisted, recordRefusedAction } from './audit';
import { csrfTokenFor } from './csrf';
import { cartCount } from './data/cart';
import { liveAssistsOf } from './data/live-assistance';
import { badInput, PageError } from './errors';
import { BarePage, href, Layout, renderDocument, type Chrome } from './layout';
import type { ActionScope, PageScope } from './policy';
import type { StorefrontRequestState } from './viewer';

declare module 'fastify' {
  interface FastifyRequest {
    storefront: StorefrontRequestState | null;
  }
  interface FastifyContextConfig {
    /** GET pages name who may see them; POST actions name what they change. */
    storefrontPage?: PageScope;
    storefrontAction?: { name: StorefrontAction; scope: ActionScope };
    /** The handoff route resolves no viewer: it is how an assisted session begins. */
    storefrontEntry?: boolean;
  }
}

export const ASSIST_COOKIE = 'concierge_assist';
export const CUSTOMER_COOKIE = 'concierge_customer';
export const PRE_COOKIE = 'concierge_pre';

export function stateOf(request: FastifyRequest): StorefrontRequestState {
  if (!request.storefront) throw new Error('storefront state missing: route is outside the store scope');
  return request.storefront;
}

export async function chromeFor(
  ctx: ShopContext,
  request: FastifyRequest,
  state: StorefrontRequestState,
): Promise<Chrome> {
  const { viewer } = state;
  return {
    store: state.store,
    viewer,
    csrfToken: state.cookieSecret ? csrfTokenFor(state.cookieSecret) : null,
    cartCount: viewer.kind === 'anonymous' ? 0 : await cartCount(ctx.db, viewer.accountId),
    path: request.url.split('?')[0] ?? '/',
    liveAssists: viewer.kind === 'customer' ? await liveAssistsOf(ctx.db, viewer.customer.id, ctx.clock.now()) : [],
  };
}

export interface Page {
  title: string;
  body: (chrome: Chrome) => ReactNode;
  status?: number;
}

/** Only these methods change anything; HEAD (and any other read) is a page view like GET. */
const STATE_CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const isStateChanging = (method: string) => STATE_CHANGING_METHODS.has(method);

/** Sends a store page; in an assisted session it first records the page view (or the action). */
export async function sendPage(
  ctx: ShopContext,
  request: FastifyRequest,
  reply: FastifyReply,
  page: Page,
): Promise<FastifyReply> {
  const state = stateOf(request);
  const status = page.status ?? 200;
  if (isAssisted(state) && !state.audited) {
    await ctx.db.transaction((tx) =>
      auditAssistedRequest(tx, ctx.clock, request, state, {
        action: isStateChanging(request.method) ? 'session.action' : 'session.page_view',
        details: { status, title: page.title },
      }),
    );
  }
  const chrome = await chromeFor(ctx, request, state);
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .send(
      renderDocument(
        <Layout chrome={chrome} title={page.title}>
          {page.body(chrome)}
        </Layout>,
      ),
    );
}

/**
 * Runs a state change in one transaction; in an assisted session the `session.action` event is
 * written in the same transaction, so the event exists exactly when the change does.
 */
export async function perform<T>(
  ctx: ShopContext,
  request: FastifyRequest,
  change: (tx: Queryable) => Promise<{ result: T; details?: Record<string, unknown> }>,
): Promise<T> {
  const state = stateOf(request);
  const name = request.routeOptions.config.storefrontAction?.name ?? 'unknown';
  try {
    return await ctx.db.transaction(async (tx) => {
      if (isAssisted(state)) await requireLiveSession(tx, state.viewer.session.id);
      const { result, details } = await change(tx);
      if (isAssisted(state))
        await auditAssistedRequest(tx, ctx.clock, request, state, {
          action: 'session.action',
          details: { action: name, status: 303, ...details },
        });
      return result;
    });
  } catch (error) {
    state.audited = false;
    throw error;
  }
}

/**
 * A session ended by a supervisor while this request was in flight must not change anything:
 * the row lock orders this change after or before the end, never beside it.
 */
async function requireLiveSession(tx: Queryable, sessionId: string): Promise<void> {
  const result = await tx.query<{ status: string }>('SELECT status FROM assist_sessions WHERE id = $1 FOR UPDATE', [
    sessionId,
  ]);
  if (result.rows[0]?.status !== 'active') {
    throw new PageError(
      403,
      'The assisted session ended',
      'This assisted session has ended and can no longer be used. Nothing was changed.',
      { clearAssistCookie: true },
    );
  }
}

/** 303 See Other to a path inside the store (`/cart`), optionally with a fixed notice key. */
export function redirectTo(
  reply: FastifyReply,
  state: StorefrontRequestState,
  path: string,
  notice?: string,
): FastifyReply {
  const target = href(state.store, path);
  const url = notice ? `${target}${target.includes('?') ? '&' : '?'}notice=${encodeURIComponent(notice)}` : target;
  return reply.redirect(url, 303);
}

/** Parses a form body with zod; any problem is a 400 page naming the field, and nothing changes. */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.filter((p) => p !== '_csrf').join('.') ?? '';
  throw badInput(field ? `${field}: ${issue?.message ?? 'is invalid'}` : (issue?.message ?? 'The form is invalid.'));
}

interface ShownError {
  status: number;
  title: string;
  message: string;
  refusal: string | null;
}

export function describeError(error: FastifyError | PageError | Error): ShownError {
  if (error instanceof PageError)
    return { status: error.status, title: error.title, message: error.message, refusal: error.options.refusal ?? null };
  const code = (error as FastifyError).code;
  const statusCode = (error as FastifyError).statusCode;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return {
      status: 413,
      title: 'Form too large',
      message: 'The form you sent is larger than this store accepts. Nothing was changed.',
      refusal: 'invalid_input',
    };
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return {
      status: 415,
      title: 'Unsupported form',
      message: 'Send forms as application/x-www-form-urlencoded. Nothing was changed.',
      refusal: 'invalid_input',
    };
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500)
    return {
      status: statusCode,
      title: 'Bad request',
      message: 'The request could not be understood. Nothing was changed.',
      refusal: 'invalid_input',
    };
  return {
    status: 500,
    title: 'Something went wrong',
    message: 'The store could not handle this request. Please try again.',
    refusal: null,
  };
}

/** The storefront's error page: clear words and a way back, never a stack trace. */
export async function sendErrorPage(
  ctx: ShopContext,
  request: FastifyRequest,
  reply: FastifyReply,
  error: Error,
): Promise<FastifyReply> {
  const shown = describeError(error);
  if (shown.status >= 500) request.log.error({ err: error }, 'storefront request failed');
  const state = request.storefront;
  if (error instanceof PageError && error.options.clearAssistCookie)
    void reply.clearCookie(ASSIST_COOKIE, { path: '/' });
  if (isAssisted(state) && !state.audited) {
    const details = {
      status: shown.status,
      title: shown.title,
      ...(request.routeOptions.config.storefrontAction
        ? { action: request.routeOptions.config.storefrontAction.name }
        : {}),
    };
    if (isStateChanging(request.method))
      await recordRefusedAction(ctx.refusals, request, state, shown.refusal ?? 'error', details);
    else
      await ctx.db.transaction((tx) =>
        auditAssistedRequest(tx, ctx.clock, request, state, {
          action: 'session.page_view',
          details: { ...details, ...(shown.refusal ? { reason: shown.refusal } : {}) },
        }),
      );
  }
  const body = (
    <div className="card" data-testid="error-page">
      <h1>{shown.title}</h1>
      <p>{shown.message}</p>
      <p className="muted">Error {shown.status}</p>
    </div>
  );
  void reply.status(shown.status).type('text/html; charset=utf-8');
  if (!state || (error instanceof PageError && error.options.clearAssistCookie)) {
    const home = state ? (
      <p>
        <a href={href(state.store)}>Go to the store’s home page</a>
      </p>
    ) : (
      <p>
        <a href="/">See the stores</a>
      </p>
    );
    return reply.send(
      renderDocument(
        <BarePage title={shown.title}>
          {body}
          {home}
        </BarePage>,
      ),
    );
  }
  const chrome = await chromeFor(ctx, request, state);
  return reply.send(
    renderDocument(
      <Layout chrome={chrome} title={shown.title}>
        {body}
        <p>
          <a href={href(state.store)}>Continue shopping</a>
        </p>
      </Layout>,
    ),
  );
}
