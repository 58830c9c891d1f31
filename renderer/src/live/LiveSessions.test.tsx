import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import type { Role } from '../../../shared/api/auth';
import type { AssistSession } from '../../../shared/api/sessions';
import type { Handlers } from '../test/fake-bridge';
import { auditEvent, session, signedIn, stores } from '../test/fixtures';
import { renderConsole } from '../test/render';
import { TIMELINE_REFRESH_MS } from './LiveTimeline';

afterEach(cleanup);

function handlers(role: Role, live: AssistSession[], extra: Handlers = {}): Handlers {
  return {
    'auth.state': () => signedIn(role),
    'sessions.open': () => [],
    'shop.stores': () => stores,
    'shop.sessions': () => ({ items: live }),
    ...extra,
  };
}

const live = { initial: { screen: { name: 'live' as const } } };

/** A session live right now: started 5 minutes ago, last active 40 s ago, on an order page. */
function liveNow(overrides: Partial<AssistSession> = {}): AssistSession {
  const now = Date.now();
  const at = (offsetSeconds: number) => new Date(now + offsetSeconds * 1000).toISOString();
  return session({
    startedAt: at(-300),
    lastActivityAt: at(-40),
    expiresAt: at(1500),
    idleTimeoutSeconds: 600,
    currentPage: 'Order O-000123',
    currentPagePath: '/store/us/account/orders/O-000123',
    currentPageAt: at(-40),
    ...overrides,
  });
}

describe('live sessions', () => {
  it('shows who is assisting whom, where they are, how long it has left, in which mode and why', async () => {
    renderConsole(handlers('supervisor', [liveNow({ ticket: 'T-9' })]), live);
    const row = (await screen.findByText('Agent Demo')).closest('tr');
    expect(row?.textContent).toContain('Jane Smith');
    expect(row?.textContent).toContain('US store');
    expect(row?.textContent).toContain('Order O-000123');
    expect(row?.textContent).toContain('/store/us/account/orders/O-000123');
    expect(row?.textContent).toMatch(/4\d s ago/);
    // Idle deadline (600 s after the last activity) comes before the maximum length.
    expect(row?.textContent).toMatch(/9:[0-2]\d\s*until idle timeout/);
    expect(row?.textContent).toContain('View only');
    expect(row?.textContent).toContain('Customer cannot find her order');
    expect(row?.textContent).toContain('T-9');
  });

  it('says when the storefront has not been opened, and which deadline ends the session first', async () => {
    const soon = new Date(Date.now() + 90_000).toISOString();
    renderConsole(
      handlers('supervisor', [
        liveNow({ currentPage: null, currentPageAt: null, currentPagePath: null, expiresAt: soon }),
      ]),
      live,
    );
    const row = (await screen.findByText('Agent Demo')).closest('tr');
    expect(row?.textContent).toContain('Storefront not opened yet');
    expect(row?.textContent).toMatch(/1:[23]\d\s*until maximum length/);
  });

  it('opens a timeline of pages and actions that grows as the shop records them', async () => {
    let events = [
      auditEvent(1, { action: 'session.start', details: { mode: 'view', reason: 'Customer cannot find her order' } }),
      auditEvent(2, { details: { path: '/store/us/', title: 'Home' } }),
    ];
    const { fake, user } = renderConsole(
      handlers('supervisor', [liveNow()], {
        'shop.sessionTimeline': () => ({ events, total: events.length }),
      }),
      live,
    );
    const toggle = await screen.findByRole('button', { name: 'Show timeline of Agent Demo’s session with Jane Smith' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    await user.click(toggle);
    const timeline = await screen.findByRole('region', { name: 'Timeline of Agent Demo’s session with Jane Smith' });
    expect(await within(timeline).findByText('Viewed Home')).toBeTruthy();
    expect(within(timeline).getByText('Session started')).toBeTruthy();
    expect(fake.callsTo('shop.sessionTimeline')[0]).toEqual({ sessionId: 'ses_1' });

    events = [
      ...events,
      auditEvent(3, { details: { path: '/store/us/account/orders/O-000123', title: 'Order O-000123' } }),
      auditEvent(4, {
        action: 'session.action_refused',
        details: { path: '/store/us/cart/add', action: 'cart.add', reason: 'view_only' },
      }),
    ];
    expect(await within(timeline).findByText('Viewed Order O-000123', {}, { timeout: 5000 })).toBeTruthy();
    expect(within(timeline).getByText('Refused: added a product to the cart')).toBeTruthy();
    const items = within(timeline)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(items[0]).toContain('Refused');
    expect(items.at(-1)).toContain('Session started');
    expect(within(timeline).getByText(/2 pages · 0 actions/)).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Hide timeline of Agent Demo’s session with Jane Smith' }));
    expect(screen.queryByRole('region', { name: /^Timeline of/ })).toBeNull();
  });

  it('terminates a session only with a reason', async () => {
    let list = [session()];
    const { fake, user } = renderConsole(
      handlers('supervisor', [], {
        'shop.sessions': () => ({ items: list }),
        'sessions.terminate': ({ sessionId }) => {
          list = [];
          return session({ id: sessionId, status: 'ended', endReason: 'terminated_by_supervisor' });
        },
      }),
      live,
    );
    await user.click(await screen.findByRole('button', { name: 'Terminate Agent Demo’s session with Jane Smith' }));
    const form = within(screen.getByRole('form', { name: 'Terminate session with Jane Smith' }));
    await user.click(form.getByRole('button', { name: 'Terminate session' }));
    expect(form.getByText(/Give a reason/)).toBeTruthy();
    expect(fake.callsTo('sessions.terminate')).toHaveLength(0);
    await user.type(form.getByLabelText('Reason for terminating'), 'Wrong customer');
    await user.click(form.getByRole('button', { name: 'Terminate session' }));
    expect(fake.callsTo('sessions.terminate')).toEqual([{ sessionId: 'ses_1', note: 'Wrong customer' }]);
    expect(await screen.findByText('Nobody is assisting a customer right now.')).toBeTruthy();
    expect(fake.callsTo('shop.sessions').every((a) => a.status === 'active')).toBe(true);
  });

  it('refreshes when the shop says a session changed, and does not poll while its stream is live', async () => {
    let list = [liveNow()];
    const { fake } = renderConsole(
      handlers('supervisor', [], { 'shop.sessions': () => ({ items: list }), 'live.state': () => 'live' }),
      live,
    );
    expect(await screen.findByText('Order O-000123')).toBeTruthy();
    expect(screen.getByText('Live: updates as they happen.')).toBeTruthy();
    expect(screen.queryByText(/Updates every/)).toBeNull();
    const asked = fake.callsTo('shop.sessions').length;
    // Longer than the polling interval: no timer asks again while the stream is live.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(fake.callsTo('shop.sessions')).toHaveLength(asked);

    list = [liveNow({ currentPage: 'Invoice I-000001' })];
    act(() => {
      fake.emit('live.session', list[0] ?? session());
    });
    expect(await screen.findByText('Invoice I-000001')).toBeTruthy();
  }, 10_000);

  it('says it polls while the stream is down, and that it is live once it is back', async () => {
    const { fake } = renderConsole(handlers('supervisor', [liveNow()], { 'live.state': () => 'reconnecting' }), live);
    expect(await screen.findByText('Updates every 3 seconds.')).toBeTruthy();
    // Polling meanwhile: the list is asked again without any event.
    await waitFor(
      () => {
        expect(fake.callsTo('shop.sessions').length).toBeGreaterThan(1);
      },
      { timeout: 5000 },
    );
    act(() => {
      fake.emit('live.state', 'live');
    });
    expect(await screen.findByText('Live: updates as they happen.')).toBeTruthy();
  }, 10_000);

  it('is not offered to agents', async () => {
    renderConsole(handlers('agent', []));
    await screen.findByText('Agent Demo');
    expect(screen.queryByRole('button', { name: 'Live sessions' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Settings' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Audit' })).toBeTruthy();
  });
});

describe('a live session’s timeline', () => {
  const timelineOf = async (user: ReturnType<typeof renderConsole>['user']) => {
    await user.click(
      await screen.findByRole('button', { name: 'Show timeline of Agent Demo’s session with Jane Smith' }),
    );
    return screen.findByRole('region', { name: 'Timeline of Agent Demo’s session with Jane Smith' });
  };

  it('is not asked again while the stream is live, and polls again once it is reconnecting', async () => {
    const { fake, user } = renderConsole(
      handlers('supervisor', [liveNow()], {
        'live.state': () => 'live',
        'shop.sessionTimeline': () => ({ events: [auditEvent(1, { action: 'session.start' })], total: 1 }),
      }),
      live,
    );
    const timeline = await timelineOf(user);
    expect(await within(timeline).findByText('Session started')).toBeTruthy();
    const asked = fake.callsTo('shop.sessionTimeline').length;
    // Longer than the polling interval: no timer asks again while the stream is live.
    await new Promise((resolve) => setTimeout(resolve, TIMELINE_REFRESH_MS + 500));
    expect(fake.callsTo('shop.sessionTimeline')).toHaveLength(asked);

    act(() => {
      fake.emit('live.state', 'reconnecting');
    });
    await waitFor(
      () => {
        expect(fake.callsTo('shop.sessionTimeline').length).toBeGreaterThan(asked + 1);
      },
      { timeout: 3 * TIMELINE_REFRESH_MS + 1000 },
    );
  }, 15_000);

  it('is asked again when the stream says its session changed, and only then', async () => {
    let events = [auditEvent(1, { action: 'session.start' })];
    const { fake, user } = renderConsole(
      handlers('supervisor', [liveNow()], {
        'live.state': () => 'live',
        'shop.sessionTimeline': () => ({ events, total: events.length }),
      }),
      live,
    );
    const timeline = await timelineOf(user);
    expect(await within(timeline).findByText('Session started')).toBeTruthy();
    const asked = fake.callsTo('shop.sessionTimeline').length;

    events = [...events, auditEvent(2, { details: { path: '/store/us/cart', title: 'Cart' } })];
    act(() => {
      // Another session's change first: this timeline is not asked for it.
      fake.emit('live.session', liveNow({ id: 'ses_2' }));
      fake.emit('live.session', liveNow({ currentPage: 'Cart' }));
    });
    expect(await within(timeline).findByText('Viewed Cart')).toBeTruthy();
    expect(fake.callsTo('shop.sessionTimeline')).toEqual([
      ...Array<{ sessionId: string }>(asked).fill({ sessionId: 'ses_1' }),
      { sessionId: 'ses_1' },
    ]);
  });
});
