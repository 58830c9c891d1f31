import rateLimit from '@fastify/rate-limit';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  LoginRequest,
  LoginResponse,
  LogoutRequest,
  MfaRequest,
  RefreshRequest,
  Staff,
  StepUpRequest,
  StepUpResponse,
  TokenResponse,
} from '../../shared/api/auth';
import { completeMfa, login } from '../auth/sign-in';
import { refreshTokens, signOut } from '../auth/refresh';
import { principalOf, requestOrigin, requireStaff } from '../auth/guard';
import { signInDefences } from '../auth/sign-in-defences';
import { stepUp } from '../auth/verify-step-up';
import type { ShopContext } from '../context';
import { ApiError } from '../lib/errors';
import { databaseRateLimitStore } from '../lib/rate-limit-store';
import type { ApiApp } from './index';

const bearer = [{ bearer: [] }];

interface AuthRoute<Body, Response> {
  schema: { tags: string[]; summary: string; security?: typeof bearer; body: Body; response: { 200: Response } };
  onRequest?: ReturnType<typeof requireStaff>;
}

/**
 * The options of an /auth route that takes `body` and answers 200 with `response` (sign-in, MFA,
 * refresh, step-up); `signedIn` guards one that needs the caller's bearer token.
 */
function authRoute<Body extends z.ZodType, Response extends z.ZodType>(
  summary: string,
  body: Body,
  response: Response,
  signedIn?: ReturnType<typeof requireStaff>,
): AuthRoute<Body, Response> {
  const answer = { 200: response };
  return signedIn
    ? { schema: { tags: ['auth'], summary, security: bearer, body, response: answer }, onRequest: signedIn }
    : { schema: { tags: ['auth'], summary, body, response: answer } };
}

/** Staff authentication: password + TOTP sign-in, refresh rotation, sign-out, step-up, /me. */
export function registerStaffAuthRoutes(api: ApiApp, ctx: ShopContext): void {
  // Failed attempts live in the database, so every shop process sharing it throttles alike.
  const defences = signInDefences({ clock: ctx.clock, policy: ctx.config.signInThrottle });
  // The limiter lives in its own scope so it covers the /auth routes and nothing else.
  void api.register(async (scope) => {
    await scope.register(rateLimit, {
      store: databaseRateLimitStore(ctx.db, ctx.clock, 'api-auth'),
      max: ctx.config.authRateLimitPerMinute,
      timeWindow: 60_000,
      errorResponseBuilder: (_request, context) =>
        new ApiError(
          429,
          'rate_limited',
          `Too many sign-in requests from this address; try again in ${context.after}.`,
        ),
    });
    const auth = scope.withTypeProvider<ZodTypeProvider>();

    auth.post(
      '/auth/login',
      authRoute('Check email and password; returns an MFA challenge', LoginRequest, LoginResponse),
      (request) => login(ctx, defences, request.body, requestOrigin(request)),
    );

    auth.post(
      '/auth/mfa',
      authRoute('Answer the MFA challenge with a TOTP code; signs in', MfaRequest, TokenResponse),
      (request) => completeMfa(ctx, defences, request.body, requestOrigin(request)),
    );

    auth.post(
      '/auth/refresh',
      authRoute('Rotate the refresh token for a new token pair', RefreshRequest, TokenResponse),
      (request) => refreshTokens(ctx, request.body.refreshToken, requestOrigin(request)),
    );

    auth.post(
      '/auth/logout',
      {
        schema: {
          tags: ['auth'],
          summary:
            'Sign out: revoke every token of this sign-in and end the sessions it started; {"everywhere": true} ends every sign-in',
          security: bearer,
          body: LogoutRequest.nullish(),
          response: { 204: z.null() },
        },
        onRequest: requireStaff(ctx),
      },
      async (request, reply) => {
        await signOut(ctx, principalOf(request), requestOrigin(request), {
          everywhere: request.body?.everywhere ?? false,
        });
        return reply.status(204).send(null);
      },
    );

    auth.post(
      '/auth/step-up',
      authRoute('Re-prove identity for a single-use step-up token', StepUpRequest, StepUpResponse, requireStaff(ctx)),
      (request) => stepUp(ctx, defences, principalOf(request), request.body, requestOrigin(request)),
    );
  });

  api.get(
    '/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in staff member and their permissions',
        security: bearer,
        response: { 200: Staff },
      },
      onRequest: requireStaff(ctx),
    },
    (request) => principalOf(request).staff,
  );
}
