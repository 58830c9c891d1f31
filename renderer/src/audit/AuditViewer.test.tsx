import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { AuditAction } from '../../../shared/api/audit';
import type { Role } from '../../../shared/api/auth';
import type { AuditFilter, IpcValue } from '../../../shared/ipc/contract';
import type { Handlers } from '../test/fake-bridge';
import { deferred, refusal } from '../test/fake-bridge';
import { auditEvent, auditStatus, jane, signedIn, stores, summary } from '../test/fixtures';
import { renderConsole } from '../test/render';
import { giveElementsASize } from '../test/viewport';
import { AUDIT_ROW_HEIGHT } from './AuditViewer';
import { AUDIT_PAGE } from './paging';

giveElementsASize();
afterEach(cleanup);

const MILLION = 1_000_000;

/** One session's events, oldest first. */
const SESSION_ACTIONS: readonly AuditAction[] = [
  'session.start',
  'session.page_view',
  'session.action_refused',
  'session.end',
];

/** A mirror of `total` events, newest first, answered page by page like main's local store. */
function mirror(total: number, seen: { filter: AuditFilter; offset: number; limit: number }[]) {
  return ({ filter, offset, limit }: { filter: AuditFilter; offset: number; limit: number }) => {
    seen.push({ filter, offset, limit });
    const count = filter.sessionId ? 4 : total;
    const events = [];
    for (let i = offset; i < Math.min(count, offset + limit); i++) {
      const seq = count - i;
      events.push(
        filter.sessionId
          ? auditEvent(seq, {
              sessionId: filter.sessionId,
              action: SESSION_ACTIONS[seq - 1] ?? 'session.page_view',
              details: seq === 3 ? { path: '/cart/add', reason: 'view_only' } : { path: '/' },
            })
          : auditEvent(seq),
      );
    }
    return { total: count, events };
  };
}

function handlers(
  role: Role,
  total: number,
  seen: { filter: AuditFilter; offset: number; limit: number }[],
  extra: Handlers = {},
): Handlers {
  return {
    'auth.state': () => signedIn(role),
    'sessions.open': () => [],
    'shop.stores': () => stores,
    'audit.status': () =>
      auditStatus({ lastSeq: total, headSeq: total, synced: total, verification: { ok: true, checked: total } }),
    'audit.query': mirror(total, seen),
    ...extra,
  };
}

const audit = { initial: { screen: { name: 'audit' as const } } };

describe('audit viewer', () => {
  it('shows a million events through a virtual list, fetching pages as the user scrolls', async () => {
    const seen: { filter: AuditFilter; offset: number; limit: number }[] = [];
    renderConsole(handlers('supervisor', MILLION, seen), audit);
    expect(await screen.findByText('1,000,000 events')).toBeTruthy();
    const table = screen.getByRole('table', { name: 'Audit events' });
    expect(table.getAttribute('aria-rowcount')).toBe(String(MILLION));
    expect(await within(table).findByText('1000000')).toBeTruthy();
    expect(within(table).getAllByRole('row').length).toBeLessThan(60);
    expect(seen.every((q) => q.limit === AUDIT_PAGE)).toBe(true);

    const row = 500_000;
    table.scrollTop = row * AUDIT_ROW_HEIGHT;
    fireEvent.scroll(table);
    expect(await within(table).findByText(String(MILLION - row))).toBeTruthy();
    const offsets = seen.map((q) => q.offset);
    expect(offsets).toContain(Math.floor(row / AUDIT_PAGE) * AUDIT_PAGE);
    // The page after the rendered rows (20 in view, 12 more below) is fetched ahead of the scroll.
    await waitFor(() => {
      expect(seen.map((q) => q.offset)).toContain((Math.floor((row + 32) / AUDIT_PAGE) + 1) * AUDIT_PAGE);
    });
    // Nothing between the top and the place jumped to.
    expect(seen.every((q) => q.offset <= AUDIT_PAGE || Math.abs(q.offset - row) <= 2 * AUDIT_PAGE)).toBe(true);
  });

  it('starts a new filter at the top, without asking for the page the old one was scrolled to', async () => {
    const seen: { filter: AuditFilter; offset: number; limit: number }[] = [];
    const { user } = renderConsole(handlers('supervisor', MILLION, seen), audit);
    await screen.findByText('1,000,000 events');
    const table = screen.getByRole('table', { name: 'Audit events' });
    const row = 330_600;
    table.scrollTop = row * AUDIT_ROW_HEIGHT;
    fireEvent.scroll(table);
    expect(await within(table).findByText(String(MILLION - row))).toBeTruthy();

    await user.selectOptions(screen.getByLabelText('Action'), 'Actions refused');
    // The list jumps to the top; a browser then fires a scroll event, happy-dom does not.
    await waitFor(() => {
      expect(table.scrollTop).toBe(0);
    });
    // A busy machine: the scroll event comes well after the settle delay (CI once asked for the
    // old position's pages of the new filter here).
    await new Promise((resolve) => setTimeout(resolve, 300));
    fireEvent.scroll(table);
    expect(await within(table).findByText(String(MILLION))).toBeTruthy();
    // Long enough for a page to settle and be requested.
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The first page and the one after it, nothing near where the old filter stood.
    expect(seen.filter((q) => q.filter.action === 'session.action_refused').map((q) => q.offset)).toEqual([
      0,
      AUDIT_PAGE,
    ]);
  });

  it("asks for no page beyond a new filter's first until its count is known", async () => {
    const seen: { filter: AuditFilter; offset: number; limit: number }[] = [];
    const answer = mirror(MILLION, seen);
    // The session's first page takes a while, as a slow query in the mirror does; meanwhile the
    // list still shows the previous filter's count.
    const slow = (args: { filter: AuditFilter; offset: number; limit: number }) => {
      const result = answer(args);
      return args.filter.sessionId
        ? new Promise<typeof result>((resolve) =>
            setTimeout(() => {
              resolve(result);
            }, 500),
          )
        : result;
    };
    const { user } = renderConsole(handlers('supervisor', MILLION, seen, { 'audit.query': slow }), audit);
    await screen.findByText('1,000,000 events');
    await user.type(screen.getByLabelText('Session ID'), 'ses_9');
    expect(await screen.findByText('4 events', undefined, { timeout: 3000 })).toBeTruthy();
    // Long enough for the pages beside the visible ones to be requested, were there any.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([...new Set(seen.filter((q) => q.filter.sessionId === 'ses_9').map((q) => q.offset))]).toEqual([0]);
  });

  it('shows chain verification, the first bad seq, and sync progress', async () => {
    const seen: { filter: AuditFilter; offset: number; limit: number }[] = [];
    const { fake } = renderConsole(handlers('supervisor', 10, seen), audit);
    expect(await screen.findByText('✓ Chain verified (10 events)')).toBeTruthy();
    fake.emit(
      'audit.status',
      auditStatus({
        state: 'syncing',
        lastSeq: 250_000,
        headSeq: 1_000_000,
        synced: 250_000,
        verification: { ok: false, badSeq: 4711, problem: 'hash does not match' },
      }),
    );
    expect(await screen.findByText('✗ Chain broken at seq 4711: hash does not match', { exact: false })).toBeTruthy();
    expect(screen.getByText('Syncing 250,000 of 1,000,000 events…')).toBeTruthy();
    expect(screen.getByRole<HTMLProgressElement>('progressbar', { name: 'Sync progress' }).value).toBe(25);
  });

  it('passes the filters to the local mirror and hides the staff filter from agents', async () => {
    const seen: { filter: AuditFilter; offset: number; limit: number }[] = [];
    const { user, fake } = renderConsole(
      handlers('agent', 10, seen, {
        'shop.searchCustomers': ({ q }) => ({ items: q?.includes('100001') ? [summary(jane)] : [], nextCursor: null }),
        'shop.customer': ({ id }) => {
          if (id !== jane.id) throw refusal('customer_not_found');
          return jane;
        },
      }),
      audit,
    );
    await screen.findByText('10 events');
    expect(screen.queryByLabelText('Staff')).toBeNull();
    await user.selectOptions(screen.getByLabelText('Action'), 'Actions refused');
    await user.type(screen.getByLabelText('Text'), 'cart');
    // The customer by number, through the shop's search: picked with the keyboard.
    const customer = screen.getByRole('combobox', { name: 'Customer' });
    await user.type(customer, '100001');
    const option = await screen.findByRole('option', { name: /Jane Smith/ });
    expect(option.textContent).toContain('C-100001');
    await user.keyboard('{Enter}');
    await waitFor(() => {
      expect(seen.at(-1)?.filter).toEqual({ action: 'session.action_refused', text: 'cart', customerId: 'cus_jane' });
    });
    await waitFor(() => {
      expect((customer as HTMLInputElement).value).toBe('Jane Smith · C-100001');
    });
    expect(fake.callsTo('shop.searchCustomers').at(-1)).toEqual({ q: '100001', limit: 8 });
    // Clearing the field removes the filter.
    await user.clear(customer);
    await waitFor(() => {
      expect((customer as HTMLInputElement).value).toBe('');
    });
    await user.type(screen.getByLabelText('Text'), 's');
    await waitFor(() => {
      expect(seen.at(-1)?.filter).toEqual({ action: 'session.action_refused', text: 'carts' });
    });
  });

  it('finds a staff member by email for a supervisor', async () => {
    const seen: { filter: AuditFilter; offset: number; limit: number }[] = [];
    const { user } = renderConsole(
      handlers('supervisor', 10, seen, {
        'audit.staff': () => ({
          staff: [
            { id: 'stf_agent', name: 'Agent Demo', email: 'agent@demo.test', disabled: false },
            { id: 'stf_agent2', name: 'Blake Agent', email: 'agent2@demo.test', disabled: false },
          ],
        }),
      }),
      audit,
    );
    await screen.findByText('10 events');
    const staff = screen.getByRole('combobox', { name: 'Staff' });
    await user.type(staff, 'AGENT2@');
    await user.click(await screen.findByRole('option', { name: /Blake Agent/ }));
    await waitFor(() => {
      expect(seen.at(-1)?.filter).toEqual({ staffId: 'stf_agent2' });
    });
    expect((staff as HTMLInputElement).value).toBe('Blake Agent');
  });

  it('names the customer of each event and formats its details per action, with the raw JSON a click away', async () => {
    const seen: { filter: AuditFilter; offset: number; limit: number }[] = [];
    const ended = auditEvent(7, {
      action: 'session.end',
      actor: { type: 'staff', id: 'stf_supervisor', name: 'Sam Supervisor' },
      details: {
        reason: 'terminated_by_supervisor',
        note: 'Checking policy',
        staffId: 'stf_agent',
        endedAt: '2026-11-21T11:00:07.000Z',
        ticket: null,
      },
    });
    const { user } = renderConsole(
      handlers('agent', 1, seen, {
        'audit.query': (args) => {
          seen.push(args);
          return { total: 1, events: [ended] };
        },
        'shop.customer': () => jane,
      }),
      audit,
    );
    const table = await screen.findByRole('table', { name: 'Audit events' });
    expect(await within(table).findByText('Jane Smith · C-100001')).toBeTruthy();
    const row = within(table).getAllByRole('row')[0];
    const text = row?.textContent ?? '';
    expect(text).toContain('Terminated by a supervisor');
    expect(text).toContain('Note: Checking policy');
    expect(text).toContain('Sam Supervisor');
    // Local time with seconds, no nulls, no internal ids.
    expect(text).toContain(new Date('2026-11-21T11:00:07.000Z').toLocaleTimeString(undefined, { timeStyle: 'medium' }));
    expect(text).not.toMatch(/null|stf_|cus_/);

    await user.click(within(table).getByRole('button', { name: /Details of event 7/ }));
    const pane = await screen.findByRole('complementary', { name: 'Session ended' });
    expect(pane.textContent).toContain('Terminated by a supervisor');
    const raw = within(pane).getByText('Raw JSON');
    const disclosure = raw.closest('details');
    expect(disclosure?.open).toBe(false);
    await user.click(raw);
    expect(disclosure?.open).toBe(true);
    expect(within(pane).getByText(/"staffId": "stf_agent"/)).toBeTruthy();
    await user.click(within(pane).getByRole('button', { name: 'Close event details' }));
    expect(screen.queryByRole('complementary', { name: 'Session ended' })).toBeNull();
  });

  it('asks the mirror to catch up when the audit screen opens', async () => {
    const seen: { filter: AuditFilter; offset: number; limit: number }[] = [];
    const { fake } = renderConsole(
      handlers('agent', 3, seen, { 'audit.sync': () => auditStatus({ state: 'syncing', lastSyncAt: null }) }),
      audit,
    );
    await waitFor(() => {
      expect(fake.callsTo('audit.sync').length).toBeGreaterThan(0);
    });
    // Its answer is the status shown.
    const sync = await screen.findByRole('status', { name: 'Sync status' });
    await waitFor(() => {
      expect(sync.textContent).toContain('Syncing');
    });
  });

  it('says the local copy is opening, and that events are on their way rather than "No events match"', async () => {
    const seen: { filter: AuditFilter; offset: number; limit: number }[] = [];
    const opening = "Setting up this computer's copy of the audit log (first use)…";
    const { fake } = renderConsole(
      handlers('agent', 0, seen, {
        'audit.status': () =>
          auditStatus({ state: 'opening', message: opening, lastSeq: 0, headSeq: 0, synced: 0, lastSyncAt: null }),
      }),
      audit,
    );
    const sync = await screen.findByRole('status', { name: 'Sync status' });
    await waitFor(() => {
      expect(sync.textContent).toBe(opening);
    });
    expect(screen.getByRole('progressbar', { name: 'Opening progress' })).toBeTruthy();
    expect(await screen.findByText('Fetching events from the shop…')).toBeTruthy();
    expect(screen.queryByText('No events match these filters.')).toBeNull();
    // Synced, and still nothing: now the list says so.
    fake.emit('audit.status', auditStatus({ lastSeq: 0, headSeq: 0, synced: 0 }));
    expect(await screen.findByText('No events match these filters.')).toBeTruthy();
    expect(screen.queryByRole('progressbar', { name: 'Opening progress' })).toBeNull();
  });

  it("shows the shop's newest events, said to be unverified, until the opening copy answers, then its own", async () => {
    const seen: { filter: AuditFilter; offset: number; limit: number }[] = [];
    const answer = deferred<IpcValue<'audit.query'>>();
    const newest = [auditEvent(12), auditEvent(11), auditEvent(9)];
    const { fake } = renderConsole(
      handlers('agent', 12, seen, {
        'audit.status': () =>
          auditStatus({ state: 'opening', message: 'Opening…', lastSeq: 0, headSeq: 0, synced: 0, lastSyncAt: null }),
        'audit.query': (args) => {
          seen.push(args);
          return answer.promise;
        },
        'audit.recent': () => ({ events: newest }),
      }),
      audit,
    );
    expect(
      await screen.findByText('The newest 3 events, from the shop: this computer’s verified copy is still opening'),
    ).toBeTruthy();
    const table = screen.getByRole('table', { name: 'Audit events' });
    expect(await within(table).findByText('11')).toBeTruthy();
    expect(fake.callsTo('audit.recent')).toEqual([{ limit: AUDIT_PAGE }]);
    // The copy answers: its rows, in the same order, and its count.
    answer.resolve(mirror(12, [])({ filter: {}, offset: 0, limit: AUDIT_PAGE }));
    expect(await screen.findByText('12 events')).toBeTruthy();
    expect(within(table).getByText('10')).toBeTruthy();
    expect(screen.queryByText(/from the shop: this computer/)).toBeNull();
  });

  it('shows a first sync as progress, not as "Synced 0 events"', async () => {
    const seen: { filter: AuditFilter; offset: number; limit: number }[] = [];
    const { fake } = renderConsole(
      handlers('agent', 0, seen, {
        'audit.status': () =>
          auditStatus({ lastSeq: 0, headSeq: 0, synced: 0, lastSyncAt: null, verification: { ok: true, checked: 0 } }),
      }),
      audit,
    );
    const sync = await screen.findByRole('status', { name: 'Sync status' });
    await waitFor(() => {
      expect(sync.textContent).toBe('Not synced yet');
    });
    const verification = screen.getByRole('status', { name: 'Chain verification' });
    expect(verification.textContent).not.toContain('Chain verified');
    fake.emit('audit.status', auditStatus({ state: 'syncing', lastSeq: 0, headSeq: 0, synced: 0, lastSyncAt: null }));
    await waitFor(() => {
      expect(sync.textContent).toContain('Syncing… contacting the shop');
    });
    fake.emit(
      'audit.status',
      auditStatus({
        state: 'syncing',
        lastSeq: 1_300,
        headSeq: 5_400,
        synced: 1_200,
        lastSyncAt: null,
        verification: { ok: true, checked: 1_200 },
      }),
    );
    // An agent sees an unknown share of the log: what came so far, and the share of seqs passed.
    await waitFor(() => {
      expect(sync.textContent).toContain('Syncing… 1,200 events so far');
    });
    expect(screen.getByRole<HTMLProgressElement>('progressbar', { name: 'Sync progress' }).value).toBe(24);
    expect(verification.textContent).toBe('Verifying as it syncs (1,200 so far)');
    fake.emit(
      'audit.status',
      auditStatus({ lastSeq: 5_400, headSeq: 5_400, synced: 4_000, verification: { ok: true, checked: 4_000 } }),
    );
    await waitFor(() => {
      expect(verification.textContent).toBe('✓ Chain verified (4,000 events)');
    });
    expect(sync.textContent).toContain('Synced 4,000 events');
  });

  it('shows every refusal at once with the "Refused" group, and one action again after it', async () => {
    const seen: { filter: AuditFilter; offset: number; limit: number }[] = [];
    const refusals = (args: { filter: AuditFilter; offset: number; limit: number }) => {
      seen.push(args);
      return {
        total: 1,
        events: [
          auditEvent(1, {
            action: args.filter.actionGroup ? 'access.denied' : 'session.page_view',
            sessionId: null,
            details: { route: 'GET /api/v1/settings', count: 3 },
          }),
        ],
      };
    };
    const { user } = renderConsole(handlers('supervisor', 1, seen, { 'audit.query': refusals }), audit);
    const table = await screen.findByRole('table', { name: 'Audit events' });
    expect(await within(table).findByText('Page viewed')).toBeTruthy();
    await user.selectOptions(screen.getByLabelText('Action'), 'Refused');
    await waitFor(() => {
      expect(seen.at(-1)?.filter).toEqual({ actionGroup: 'refused' });
    });
    expect(await within(table).findByText('Access denied')).toBeTruthy();
    expect(screen.getByRole<HTMLOptionElement>('option', { name: 'Refused' }).selected).toBe(true);
    // One action replaces the group rather than narrowing it.
    await user.selectOptions(screen.getByLabelText('Action'), 'Actions refused');
    await waitFor(() => {
      expect(seen.at(-1)?.filter).toEqual({ action: 'session.action_refused' });
    });
    expect(await within(table).findByText('Page viewed')).toBeTruthy();
    expect(screen.getByRole<HTMLOptionElement>('option', { name: 'Actions refused' }).selected).toBe(true);
    // And back: the group's answer (cached by now) without the action.
    await user.selectOptions(screen.getByLabelText('Action'), 'Refused');
    expect(await within(table).findByText('Access denied')).toBeTruthy();
    expect(seen.map((q) => q.filter)).toEqual([{}, { actionGroup: 'refused' }, { action: 'session.action_refused' }]);
  });

  it('shows a session’s timeline from start to end', async () => {
    const seen: { filter: AuditFilter; offset: number; limit: number }[] = [];
    renderConsole(handlers('supervisor', 100, seen), {
      initial: { screen: { name: 'audit' }, auditFilter: { sessionId: 'ses_1' } },
    });
    const timeline = await screen.findByRole('complementary', { name: 'Session timeline' });
    const steps = await within(timeline).findAllByRole('listitem');
    expect(steps.map((s) => s.querySelector('.tl-what')?.textContent)).toEqual([
      'Session started',
      'Page viewed',
      'Action refused',
      'Session ended',
    ]);
    expect(timeline.textContent).toContain('1 pages viewed · 0 actions · 1 refused');
    expect(steps[2]?.textContent).toContain('Why: View only');
  });

  it("counts every refusal an aggregated event stands for in a session's timeline", async () => {
    const seen: { filter: AuditFilter; offset: number; limit: number }[] = [];
    const session = (args: { filter: AuditFilter; offset: number; limit: number }) => {
      seen.push(args);
      const refused = (seq: number, count: number) =>
        auditEvent(seq, {
          sessionId: 'ses_1',
          action: 'session.action_refused',
          details: { path: '/cart/add', reason: 'view_mode', count },
        });
      return {
        total: 3,
        events: [refused(3, 19), refused(2, 1), auditEvent(1, { sessionId: 'ses_1', action: 'session.start' })],
      };
    };
    renderConsole(handlers('supervisor', 3, seen, { 'audit.query': session }), {
      initial: { screen: { name: 'audit' }, auditFilter: { sessionId: 'ses_1' } },
    });
    const timeline = await screen.findByRole('complementary', { name: 'Session timeline' });
    await waitFor(() => {
      expect(timeline.textContent).toContain('0 pages viewed · 0 actions · 20 refused');
    });
  });

  it('tells main while the audit screen is open, so the log’s growth is synced within seconds', async () => {
    const { fake } = renderConsole(handlers('supervisor', 10, [], { 'audit.watch': () => ({}) }), {
      initial: { screen: { name: 'audit' } },
    });
    await screen.findByText('10 events');
    expect(fake.callsTo('audit.watch')).toEqual([{ watching: true }]);
    cleanup();
    expect(fake.callsTo('audit.watch')).toEqual([{ watching: true }, { watching: false }]);
  });

  it('exports the current filter to CSV and JSON Lines, saved (Electron), downloaded (browser tier) or cancelled', async () => {
    const seen: { filter: AuditFilter; offset: number; limit: number }[] = [];
    const answers: IpcValue<'audit.export'>[] = [
      { count: 10, delivery: { kind: 'saved', path: '/home/a/audit.csv' } },
      { count: 10, delivery: { kind: 'download', downloadId: 'a'.repeat(32), fileName: 'concierge-audit-x.jsonl' } },
      { count: 0, delivery: null },
    ];
    const { fake, user } = renderConsole(
      handlers('supervisor', 10, seen, { 'audit.export': () => answers.shift() ?? { count: 0, delivery: null } }),
      { initial: { screen: { name: 'audit' }, auditFilter: { action: 'session.' } } },
    );
    await screen.findByText('10 events');
    await user.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(await screen.findByText('Saved 10 events to /home/a/audit.csv')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Export JSON Lines' }));
    expect(await screen.findByText('Downloaded 10 events as concierge-audit-x.jsonl')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(await screen.findByText('Export cancelled.')).toBeTruthy();
    expect(fake.callsTo('audit.export')).toEqual([
      { filter: { action: 'session.' }, format: 'csv' },
      { filter: { action: 'session.' }, format: 'jsonl' },
      { filter: { action: 'session.' }, format: 'csv' },
    ]);
  });

  it('keeps scrolling past the mirror’s count cap for filtered queries', async () => {
    const seen: { filter: AuditFilter; offset: number; limit: number }[] = [];
    const actual = 25_000;
    const capped = (args: { filter: AuditFilter; offset: number; limit: number }) => {
      seen.push(args);
      const events = [];
      for (let i = args.offset; i < Math.min(actual, args.offset + args.limit); i++)
        events.push(auditEvent(actual - i, { action: 'session.action' }));
      return { total: 10_000, events };
    };
    renderConsole(handlers('supervisor', actual, seen, { 'audit.query': capped }), {
      initial: { screen: { name: 'audit' }, auditFilter: { action: 'session.action' } },
    });
    expect(await screen.findByText('More than 10,000 events')).toBeTruthy();
    const table = screen.getByRole('table', { name: 'Audit events' });
    table.scrollTop = 10_000 * AUDIT_ROW_HEIGHT;
    fireEvent.scroll(table);
    await waitFor(() => {
      expect(Number(table.getAttribute('aria-rowcount'))).toBeGreaterThan(10_000);
    });
    table.scrollTop = 10_100 * AUDIT_ROW_HEIGHT;
    fireEvent.scroll(table);
    expect(await within(table).findByText(String(actual - 10_100))).toBeTruthy();
  });

  it('shows events a sync stored while the first answer, read before them, was still on its way', async () => {
    // The mirror answers the first query from before the sync stored anything, and that answer
    // arrives only after the status announcing the new events (the viewer must still ask again).
    const seen: { filter: AuditFilter; offset: number; limit: number }[] = [];
    const stored = mirror(13, seen);
    const before = deferred<IpcValue<'audit.query'>>();
    let calls = 0;
    const { fake } = renderConsole(
      handlers('agent', 13, seen, {
        // The screen opened before the sync: the mirror had nothing yet.
        'audit.status': () => auditStatus({ lastSeq: 0, headSeq: 13, synced: 0 }),
        'audit.query': (args) => {
          calls += 1;
          return calls === 1 ? before.promise : stored(args);
        },
      }),
      audit,
    );
    await waitFor(() => {
      expect(calls).toBe(1);
    });
    await screen.findByText(/Synced 0 events/);
    fake.emit('audit.status', auditStatus({ lastSeq: 13, headSeq: 13, synced: 13 }));
    before.resolve({ total: 0, events: [] });
    const table = screen.getByRole('table', { name: 'Audit events' });
    expect(await within(table).findByText('13')).toBeTruthy();
    expect(screen.getByText('13 events')).toBeTruthy();
  });

  it('does not ask again when the catch-up sync on opening finds nothing new (a filter picked meanwhile is not restarted)', async () => {
    const seen: { filter: AuditFilter; offset: number; limit: number }[] = [];
    const stored = mirror(13, seen);
    const picked = deferred<IpcValue<'audit.query'>>();
    const { fake, user } = renderConsole(
      handlers('supervisor', 13, seen, {
        'audit.query': (args) => (args.filter.actionGroup ? picked.promise : stored(args)),
      }),
      audit,
    );
    const table = await screen.findByRole('table', { name: 'Audit events' });
    expect(await within(table).findByText('13')).toBeTruthy();
    await user.selectOptions(screen.getByLabelText('Action'), 'group:refused');
    await waitFor(() => {
      expect(fake.callsTo('audit.query').filter((c) => c.filter.actionGroup === 'refused')).toHaveLength(1);
    });
    // The sync the screen asked for as it opened starts and ends with the same last event.
    fake.emit('audit.status', auditStatus({ state: 'syncing', lastSeq: 13, headSeq: 13, synced: 13 }));
    fake.emit('audit.status', auditStatus({ lastSeq: 13, headSeq: 13, synced: 13 }));
    picked.resolve(stored({ filter: { actionGroup: 'refused' }, offset: 0, limit: 50 }));
    await waitFor(() => {
      expect(screen.getByRole('table', { name: 'Audit events' }).getAttribute('aria-rowcount')).toBe('13');
    });
    expect(fake.callsTo('audit.query').filter((c) => c.filter.actionGroup === 'refused')).toHaveLength(1);
  });

  it('shows an empty state', async () => {
    const seen: { filter: AuditFilter; offset: number; limit: number }[] = [];
    renderConsole(handlers('agent', 0, seen), audit);
    expect(await screen.findByText('No events match these filters.')).toBeTruthy();
  });
});
