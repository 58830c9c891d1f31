import type { FastifyReply, FastifyRequest } from 'fastify';
import { activeConsentCode, grantConsent, issueConsentCode, readConsent, revokeConsent } from '../../consent/consent';
import { assistanceHistory } from '../data/assistance';
import { ConsentForm } from '../forms';
import { AssistanceSection } from '../pages/assistance';
import type { StorefrontRequestState } from '../viewer';
import { sendAccountPage } from './account';
import { action, page, signedIn, type RouteDeps } from './define';
import { formAction } from './form-action';

/** The customer's side of assistance: consent with a duration, one-time codes, and the full history. */
export function registerAssistanceRoutes(deps: RouteDeps): void {
  const { ctx } = deps;
  const origin = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? null });

  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    state: StorefrontRequestState,
    code: { code: string; expiresAt: string } | null,
  ) => {
    const viewer = signedIn(state);
    const now = ctx.clock.now();
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
  };

  page(deps, '/account/assistance', 'customer_only', (request, reply, state) => show(request, reply, state, null));

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

  // The code is shown in this response only (never in a URL); reloading makes a new one.
  action(deps, '/account/assistance/code', 'customer.consent_code', 'customer_only', async (request, reply, state) => {
    const viewer = signedIn(state);
    const code = await issueConsentCode(ctx, viewer.customer.id, origin(request));
    return show(request, reply, state, code);
  });
}
