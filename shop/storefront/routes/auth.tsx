import type { FastifyReply } from 'fastify';
import type { ShopContext } from '../../context';
import {
  checkCustomerPassword,
  emailTaken,
  endWebSession,
  ensureAccount,
  registerCustomer,
  startWebSession,
  WEB_SESSION_SECONDS,
} from '../data/customers';
import { RegisterForm, SignInForm } from '../forms';
import { parseForm, CUSTOMER_COOKIE, redirectTo, sendPage } from '../http';
import { cookieOptions } from '../identity';
import { href } from '../layout';
import { RegisterPage, SignInPage } from '../pages/auth';
import { noticeOf } from '../pages/common';
import type { StoreRow } from '../viewer';
import { action, page, queryString, signedIn, type RouteDeps } from './define';

/** Only paths inside this store are followed after sign-in: no open redirect. */
export function safeNext(store: StoreRow, next: string | undefined): string {
  if (!next || next.length > 300) return href(store);
  const ok =
    next.startsWith(`${store.pathPrefix}/`) &&
    /^[A-Za-z0-9/_\-.%]+$/.test(next) &&
    !next.includes('//') &&
    !next.includes('..');
  return ok ? next : href(store);
}

function setCustomerCookie(ctx: ShopContext, reply: FastifyReply, store: StoreRow, secret: string): void {
  void reply.setCookie(CUSTOMER_COOKIE, secret, {
    ...cookieOptions(ctx, store.pathPrefix, 'lax'),
    maxAge: WEB_SESSION_SECONDS,
  });
}

export function registerCustomerAuthRoutes(deps: RouteDeps): void {
  const { ctx } = deps;

  page(deps, '/signin', 'guest', async (request, reply, state) => {
    if (state.viewer.kind !== 'anonymous') return reply.redirect(href(state.store, '/account'), 303);
    const next = safeNext(state.store, queryString(request, 'next'));
    return sendPage(ctx, request, reply, {
      title: 'Sign in',
      body: (chrome) => <SignInPage chrome={chrome} next={next} notice={noticeOf(request.query)} />,
    });
  });

  action(
    deps,
    '/signin',
    'customer.sign_in',
    'guest',
    async (request, reply, state) => {
      const form = parseForm(SignInForm, request.body);
      const next = safeNext(state.store, form.next);
      const customer = await checkCustomerPassword(ctx.db, form.email, form.password);
      if (!customer) {
        return sendPage(ctx, request, reply, {
          status: 401,
          title: 'Sign in',
          body: (chrome) => <SignInPage chrome={chrome} next={next} error="The email or password is not right." />,
        });
      }
      if (state.viewer.kind === 'customer') await endWebSession(ctx.db, ctx.clock.now(), state.viewer.webSessionId);
      const secret = await ctx.db.transaction(async (tx) => {
        const accountId = await ensureAccount(tx, ctx.clock, customer.id, state.store.id);
        return startWebSession(tx, ctx.clock, customer.id, accountId, state.store);
      });
      setCustomerCookie(ctx, reply, state.store, secret);
      return reply.redirect(next, 303);
    },
    { checksPassword: true },
  );

  page(deps, '/register', 'guest', async (request, reply) => {
    return sendPage(ctx, request, reply, {
      title: 'Create an account',
      body: (chrome) => <RegisterPage chrome={chrome} />,
    });
  });

  action(
    deps,
    '/register',
    'customer.register',
    'guest',
    async (request, reply, state) => {
      const form = parseForm(RegisterForm, request.body);
      if (await emailTaken(ctx.db, form.email)) {
        return sendPage(ctx, request, reply, {
          status: 409,
          title: 'Create an account',
          body: (chrome) => (
            <RegisterPage chrome={chrome} error="An account with this email already exists. Sign in instead." />
          ),
        });
      }
      const secret = await ctx.db.transaction(async (tx) => {
        const customerId = await registerCustomer(tx, ctx.clock, form);
        const accountId = await ensureAccount(tx, ctx.clock, customerId, state.store.id);
        return startWebSession(tx, ctx.clock, customerId, accountId, state.store);
      });
      setCustomerCookie(ctx, reply, state.store, secret);
      return redirectTo(reply, state, '/', 'welcome');
    },
    { checksPassword: true },
  );

  action(deps, '/signout', 'customer.sign_out', 'customer_only', async (_request, reply, state) => {
    const viewer = signedIn(state);
    if (viewer.kind === 'customer') await endWebSession(ctx.db, ctx.clock.now(), viewer.webSessionId);
    void reply.clearCookie(CUSTOMER_COOKIE, { path: state.store.pathPrefix });
    return redirectTo(reply, state, '/signin', 'signed_out');
  });
}
