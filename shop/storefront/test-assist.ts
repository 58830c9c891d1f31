import { CreateSessionResponse } from '../../shared/api/sessions';
import type { Queryable } from '../db/database';
import type { HelperClock } from '../test/auth-helpers';
import { signIn, stepUp } from '../test/auth-helpers';

/**
 * Starts an assisted session over the real API, as the console does: staff sign-in with TOTP,
 * step-up, POST /assist-sessions (an `accessToken` skips the sign-in; a `consentCode` is the one
 * the customer read out). Returns the handoff URL, the session and the access token.
 */
export async function startAssistedSession(
  shopUrl: string,
  db: Queryable,
  options: {
    customerId: string;
    storeId: string;
    mode: 'view' | 'act';
    reason?: string;
    staffEmail?: string;
    clock?: HelperClock;
    accessToken?: string;
    consentCode?: string;
  },
): Promise<CreateSessionResponse & { accessToken: string }> {
  const email = options.staffEmail ?? 'agent@demo.test';
  const auth = { ...(options.clock ? { clock: options.clock } : {}) };
  const accessToken = options.accessToken ?? (await signIn(shopUrl, email, auth)).accessToken;
  const up = await stepUp(shopUrl, accessToken, email, auth);
  const account = await db.query<{ id: string }>('SELECT id FROM accounts WHERE customer_id = $1 AND store_id = $2', [
    options.customerId,
    options.storeId,
  ]);
  const accountId = account.rows[0]?.id;
  if (!accountId) throw new Error(`customer ${options.customerId} has no account in ${options.storeId}`);
  const response = await fetch(`${shopUrl}/api/v1/assist-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({
      customerId: options.customerId,
      accountId,
      mode: options.mode,
      reason: options.reason ?? 'Customer asked for help on the phone',
      stepUpToken: up.stepUpToken,
      ...(options.consentCode ? { consentCode: options.consentCode } : {}),
    }),
  });
  const body = (await response.json()) as unknown;
  if (response.status !== 201)
    throw new Error(`starting the session failed: HTTP ${response.status} ${JSON.stringify(body)}`);
  return { ...CreateSessionResponse.parse(body), accessToken };
}

export async function endAssistedSession(shopUrl: string, accessToken: string, sessionId: string): Promise<void> {
  const response = await fetch(`${shopUrl}/api/v1/assist-sessions/${sessionId}/end`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({}),
  });
  if (response.status !== 200)
    throw new Error(`ending the session failed: HTTP ${response.status} ${await response.text()}`);
}
