import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  activeConsentCode,
  grantConsent,
  issueConsentCode,
  readConsent,
  revokeConsent,
  type ConsentCode,
} from '../../consent/consent';
import { assistanceHistory } from '../data/assistance';
import { endAssistByCustomer } from '../data/live-assistance';
import { AssistEndForm, ConsentForm } from '../forms';
import { redirectTo } from '../http';
import { AssistanceSection } from '../pages/assistance';
import { shownOnce, type SealingViewer } from '../shown-once';
import type { SignedInViewer, StorefrontRequestState } from '../viewer';
import { sendAccountPage } from './account';
import { action, page, signedIn, type RouteDeps } from './define';
import { formAction } from './form-action';

/** The web session a customer-only page or action runs in (the policy keeps assisted viewers out), and its cookie secret. */
function webSessionOf(viewer: SignedInViewer, state: StorefrontRequestState): SealingViewer {
  if (viewer.kind !== 'customer' || state.cookieSecret === null)
    throw new Error('customer_only route reached while assisted');
  return { key: viewer.webSessionId, secret: state.cookieSecret };
}

const ShownCode = z.object({ code: z.string(), expiresAt: z.string() }) satisfies z.ZodType<ConsentCode>;

/** The customer's side of assistance: consent with a duration, one-time codes, ending a session, and the full history. */
export function registerAssistanceRoutes(deps: RouteDeps): void {
  const { ctx } = deps;
  const origin = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
  // A new code goes from its POST to the page the redirect shows, once: reloading neither shows nor makes one again.
  const newCodes = shownOnce('consent-code', ShownCode);

  page(deps, '/account/assistance', 'customer_only', async (request, reply, state) => {
    const viewer = signedIn(state);
    const now = ctx.clock.now();
    const code = await newCodes.take(ctx.db, webSessionOf(viewer, state), now);
    const [consent, active, history] = await Promise.all([
      readConsent(ctx.db, viewer.customer.id, now),
      activeConsentCode(ctx.db, viewer.customer.id, now),
      assistanceHistory(ctx.db, viewer.customer.id),
    ]);
    return sendAccountPage(ctx, request, reply, 'Assistance', (chrome) => (
      <AssistanceSection
        chrome={chrome}
        consent={consent}
        code={code}
        activeCodeExpiresAt={active?.expiresAt ?? null}
        history={history}
      />
    ));
  });

  formAction(
    deps,
    { path: '/account/assistance', name: 'customer.consent_change', scope: 'customer_only', form: ConsentForm },
    async ({ form, viewer, request }) => {
      if (form.allow === 'on') {
        await grantConsent(ctx, viewer.customer.id, form.duration, origin(request));
        return { to: '/account/assistance', notice: 'consent_granted' };
      }
      await revokeConsent(ctx, viewer.customer.id, origin(request));
      return { to: '/account/assistance', notice: 'consent_revoked' };
    },
  );

  // The code never goes into the redirect's URL: the page after it takes it from newCodes.
  action(deps, '/account/assistance/code', 'customer.consent_code', 'customer_only', async (request, reply, state) => {
    const viewer = signedIn(state);
    const code = await issueConsentCode(ctx, viewer.customer.id, origin(request));
    await newCodes.put(ctx.db, webSessionOf(viewer, state), code, new Date(code.expiresAt));
    return redirectTo(reply, state, '/account/assistance');
  });

  formAction(
    deps,
    { path: '/account/assistance/end', name: 'customer.assist_end', scope: 'customer_only', form: AssistEndForm },
    async ({ form, viewer, request }) => {
      const ended = await endAssistByCustomer(ctx, viewer.customer, form.sessionId, origin(request));
      return { to: '/account/assistance', notice: ended ? 'assist_ended' : 'assist_not_live' };
    },
  );
}
