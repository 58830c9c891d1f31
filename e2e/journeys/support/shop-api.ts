import { setTimeout as sleep } from 'node:timers/promises';
import { AssistSession } from '../../../shared/api/sessions';
import { DEMO_STAFF_PASSWORD } from '../../support/console-ui';

/** The shop's own record of a session, read over its API as a supervisor, once it has ended. */
export async function endedSessionAtShop(
  shopUrl: string,
  sessionId: string,
  code: (email: string) => Promise<string>,
  timeoutMs = 150_000,
): Promise<AssistSession> {
  const api = `${shopUrl}/api/v1`;
  const post = async (path: string, body: unknown, token?: string) => {
    const response = await fetch(`${api}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return (await response.json()) as Record<string, string>;
  };
  const email = 'supervisor@demo.test';
  const { mfaToken } = await post('/auth/login', { email, password: DEMO_STAFF_PASSWORD });
  const { accessToken } = await post('/auth/mfa', { mfaToken, code: await code(email) });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${api}/assist-sessions/${sessionId}`, {
      headers: { authorization: `Bearer ${accessToken ?? ''}` },
    });
    const session = AssistSession.parse(await response.json());
    if (session.status === 'ended') return session;
    if (Date.now() > deadline) throw new Error(`session ${sessionId} still ${session.status} after ${timeoutMs} ms`);
    await sleep(1000);
  }
}
