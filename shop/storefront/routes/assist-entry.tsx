import { recordHandoffRefusal } from '../../assist/storefront-access';
import { documentById, type StoreDocument } from '../data/documents';
import { listStores } from '../data/stores';
import { HandoffQuery } from '../forms';
import { ASSIST_COOKIE } from '../http';
import { cookieOptions } from '../identity';
import { BarePage, href, renderDocument } from '../layout';
import type { RouteDeps } from './define';

const REFUSALS = {
  used: {
    status: 410,
    title: 'This link was already used',
    message: 'An assistance link works once. Ask the agent to start a new assisted session.',
  },
  expired: {
    status: 410,
    title: 'This link has expired',
    message: 'Assistance links are valid for a few seconds. Ask the agent to start a new assisted session.',
  },
  session_ended: {
    status: 410,
    title: 'The assisted session ended',
    message: 'The session this link belongs to has already ended.',
  },
  unknown: {
    status: 404,
    title: 'Unknown assistance link',
    message: 'This assistance link is not valid. No session was started.',
  },
} as const;

/** A document's page in the account area: orders have their own, the rest share one. */
function documentPath(doc: StoreDocument): string {
  const number = encodeURIComponent(doc.number);
  return doc.type === 'order' ? `/account/orders/${number}` : `/account/documents/${number}`;
}

/**
 * `/store/:store/assist/enter?code=…[&document=…]`: redeems a handoff code once. A valid code sets the
 * assisted-session cookie and lands on the store's home as the customer (or on the page of the
 * account's document the session was started from); any other code gets a
 * page saying why, and no session (an earlier assisted cookie is dropped too).
 */
export function registerAssistEntryRoutes(deps: RouteDeps): void {
  const { ctx, access, scope } = deps;
  scope.get('/:store/assist/enter', { config: { storefrontEntry: true } }, async (request, reply) => {
    const origin = { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
    const parsed = HandoffQuery.safeParse(request.query);
    // A malformed code never reaches redeemHandoff, which records the other refusals.
    if (!parsed.success) await recordHandoffRefusal(ctx, null, 'malformed', origin);
    const result = parsed.success
      ? await access.redeemHandoff(ctx, parsed.data.code, origin)
      : ({ ok: false, reason: 'unknown' } as const);
    if (!result.ok) {
      const refusal = REFUSALS[result.reason];
      void reply.clearCookie(ASSIST_COOKIE, { path: '/' });
      return reply
        .status(refusal.status)
        .type('text/html; charset=utf-8')
        .send(
          renderDocument(
            <BarePage title={refusal.title}>
              <div className="card" data-testid="handoff-refused">
                <h1>{refusal.title}</h1>
                <p>{refusal.message}</p>
              </div>
            </BarePage>,
          ),
        );
    }
    const store = (await listStores(ctx.db)).find((s) => s.id === result.session.storeId);
    if (!store) throw new Error('assisted session refers to a missing store');
    void reply.setCookie(ASSIST_COOKIE, result.cookieSecret, cookieOptions(ctx, '/', 'strict'));
    const landing = parsed.data?.document
      ? await documentById(ctx.db, result.session.accountId, parsed.data.document)
      : null;
    return reply.redirect(href(store, landing ? documentPath(landing) : undefined), 303);
  });
}
