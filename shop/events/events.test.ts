import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StreamMessage } from '../../shared/api/events';
import { openEventStream, type StreamState } from '../../main/core/api/event-stream';
import { JANE } from '../seed/demo';
import { startAssistedSession } from '../storefront/test-assist';
import { apiRequest } from '../test/auth-helpers';
import { startAssistShop, signInAs, type Agent } from '../test/fixtures';
import type { TestShop } from '../test/harness';
import { describeBackends } from '../test/harness';
import { until } from '../test/started-shop';

type Listener = ReturnType<typeof listen>;

/** A console's stream as the console opens it (its own client), with what it was told. */
function listen(shopUrl: string, token: string, refresh: () => Promise<boolean> = () => Promise.resolve(false)) {
  const messages: StreamMessage[] = [];
  const states: StreamState[] = [];
  const stream = openEventStream({
    shopUrl,
    tokens: { accessToken: () => token, refreshAccessToken: refresh },
    onMessage: (m) => messages.push(m),
    onState: (s) => states.push(s),
    retryMs: 50,
  });
  return {
    messages,
    states,
    stream,
    sessionStates: (id: string) =>
      messages.flatMap((m) => (m.event === 'session' && m.data.id === id ? [m.data.status] : [])),
    heads: () => messages.flatMap((m) => (m.event === 'audit-head' ? [m.data.seq] : [])),
    live: () => until('the stream to be live', () => Promise.resolve(stream.state() === 'live')),
  };
}

describeBackends('GET /events', (backend) => {
  let shop: TestShop;
  let agent: Agent;
  let other: Agent;
  let supervisor: Agent;
  const open: Listener[] = [];
  const streamOf = (who: Agent) => {
    const l = listen(shop.url, who.token);
    open.push(l);
    return l;
  };
  const startSession = (who: Agent) =>
    startAssistedSession(shop.url, shop.ctx.db, {
      customerId: JANE.id,
      storeId: 'sto_us',
      mode: 'view',
      staffEmail: who.email,
      accessToken: who.token,
      clock: shop.clock,
    });
  const end = (who: Agent, id: string, reason: string) =>
    apiRequest(shop.url, 'POST', `/assist-sessions/${id}/end`, { token: who.token, body: { reason } });

  beforeAll(async () => {
    shop = await startAssistShop(backend);
    agent = await signInAs(shop, 'agent@demo.test');
    other = await signInAs(shop, 'agent2@demo.test');
    supervisor = await signInAs(shop, 'supervisor@demo.test');
  });
  afterAll(async () => {
    for (const l of open) l.stream.stop();
    await shop.close();
  });

  it('tells each console what it may read, as it happens: its sessions, everyone’s to a supervisor, the audit head', async () => {
    const [mine, theirs, watching] = [streamOf(agent), streamOf(other), streamOf(supervisor)];
    await Promise.all([mine.live(), theirs.live(), watching.live()]);

    const started = await startSession(agent);
    await until('the start', () => Promise.resolve(mine.sessionStates(started.session.id).includes('pending')));
    expect((await end(supervisor, started.session.id, 'terminated_by_supervisor')).status).toBe(200);
    await until('the end, to the agent', () =>
      Promise.resolve(mine.sessionStates(started.session.id).includes('ended')),
    );
    await until('the end, to the supervisor', () =>
      Promise.resolve(watching.sessionStates(started.session.id).includes('ended')),
    );
    const told = mine.messages.find((m) => m.event === 'session' && m.data.status === 'ended');
    if (told?.event !== 'session') throw new Error('no end');
    expect(told.data.endReason).toBe('terminated_by_supervisor');
    expect(told.data.endedBy?.name).toBe('Sam Supervisor');

    // The agent's audit head reaches the end of their session (theirs to read); the other agent's does not.
    await until('the agent’s head', () => Promise.resolve(Math.max(...mine.heads()) >= told.id));
    expect(theirs.sessionStates(started.session.id)).toEqual([]);
    expect(Math.max(0, ...theirs.heads())).toBeLessThan(told.id);
  });

  it('resumes from Last-Event-ID: what changed while it was away comes first', async () => {
    const started = await startSession(other);
    const first = streamOf(other);
    await first.live();
    first.stream.stop();
    const lastId = Math.max(...first.messages.map((m) => m.id));
    expect((await end(other, started.session.id, 'ended_by_agent')).status).toBe(200);

    const response = await fetch(`${shop.url}/api/v1/events`, {
      headers: { authorization: `Bearer ${other.token}`, 'last-event-id': String(lastId) },
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const reader = response.body?.getReader();
    let text = '';
    while (reader && !text.includes('event: ready')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader?.cancel();
    const sessionMessage = text.split('\n\n').find((block) => block.includes('event: session'));
    expect(sessionMessage).toContain(`"id":"${started.session.id}"`);
    expect(sessionMessage).toContain('"status":"ended"');
    expect(text.indexOf('event: session')).toBeLessThan(text.indexOf('event: ready'));
  });

  it('ends when its token is revoked, and a console whose sign-in is gone stops', async () => {
    const leaving = await signInAs(shop, 'agent@demo.test');
    const stream = streamOf(leaving);
    await stream.live();
    expect((await apiRequest(shop.url, 'POST', '/auth/logout', { token: leaving.token })).status).toBe(204);
    await until('the stream to stop', () => Promise.resolve(stream.stream.state() === 'stopped'));
    expect(stream.states).toContain('reconnecting');
  });

  it('refuses a caller who is not signed in', async () => {
    const response = await fetch(`${shop.url}/api/v1/events`);
    expect(response.status).toBe(401);
    const bad = await fetch(`${shop.url}/api/v1/events`, {
      headers: { authorization: `Bearer ${agent.token}`, 'last-event-id': 'not-a-number' },
    });
    expect(bad.status).toBe(400);
  });
});
