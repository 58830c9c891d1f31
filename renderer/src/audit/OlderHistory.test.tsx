import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { IpcArgs } from '../../../shared/ipc/contract';
import type { Handlers } from '../test/fake-bridge';
import { refusal } from '../test/fake-bridge';
import { auditEvent, auditStatus, signedIn, stores } from '../test/fixtures';
import { renderConsole } from '../test/render';
import { giveElementsASize } from '../test/viewport';

giveElementsASize();
afterEach(cleanup);

/** The copy holds seqs 1,001–1,040; the shop holds 1–1,000 besides (150 of them by the agent). */
const HELD_AFTER = 1000;
const HELD = 40;
const WINDOW = { days: 90, since: '2026-09-08T12:00:00.000Z', heldAfter: HELD_AFTER };

function handlers(asked: IpcArgs<'audit.older'>[], extra: Handlers = {}): Handlers {
  return {
    'auth.state': () => signedIn('supervisor'),
    'sessions.open': () => [],
    'shop.stores': () => stores,
    'audit.status': () =>
      auditStatus({ lastSeq: HELD_AFTER + HELD, headSeq: HELD_AFTER + HELD, synced: HELD, window: WINDOW }),
    'audit.query': ({ offset, limit }: { offset: number; limit: number }) => ({
      total: HELD,
      events: Array.from({ length: Math.max(0, Math.min(limit, HELD - offset)) }, (_, i) =>
        auditEvent(HELD_AFTER + HELD - offset - i),
      ),
    }),
    // The shop's search: the agent's events are every seventh, newest first, 100 a page.
    'audit.older': (args: IpcArgs<'audit.older'>) => {
      asked.push(args);
      const top = Math.min(args.before ?? HELD_AFTER + 1, HELD_AFTER + 1) - 1;
      const seqs: number[] = [];
      for (let seq = top; seq >= 1 && seqs.length < args.limit; seq -= 1)
        if (!args.filter.staffId || seq % 7 === 0) seqs.push(seq);
      const events = seqs.map((seq) => auditEvent(seq, { at: '2026-05-01T10:00:00.000Z' }));
      return { events, nextBefore: seqs.length === args.limit ? (seqs.at(-1) ?? null) : null };
    },
    ...extra,
  };
}

const audit = { initial: { screen: { name: 'audit' as const } } };

describe('history older than the copy, from the shop', () => {
  it('is asked for once the reader says so, marked row by row, paged, and follows the filters', async () => {
    const asked: IpcArgs<'audit.older'>[] = [];
    renderConsole(handlers(asked), audit);
    const section = await screen.findByRole('region', { name: /from the shop/ });
    expect(within(section).getByRole('heading').textContent).toMatch(/^Before .*2026, from the shop$/);
    expect(section.textContent).toContain('This computer keeps the last 90 days');
    // Nothing goes to the shop until the reader asks.
    expect(asked).toEqual([]);
    fireEvent.click(within(section).getByRole('button', { name: 'Search older history at the shop' }));

    const table = await within(section).findByRole('table', { name: 'Older audit events from the shop' });
    expect(within(section).getByText('100 older events from the shop so far')).toBeTruthy();
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(100);
    expect(rows[0]?.textContent).toContain('1000');
    // Every row says where it came from.
    expect(within(table).getAllByTitle(/From the shop: older than this computer’s copy/)).toHaveLength(100);
    expect(asked[0]).toEqual({ filter: {}, before: null, limit: 100 });

    fireEvent.click(within(section).getByRole('button', { name: 'Load older events' }));
    await waitFor(() => {
      expect(within(table).getAllByRole('row')).toHaveLength(200);
    });
    expect(asked[1]).toEqual({ filter: {}, before: 901, limit: 100 });

    // A staff member picked in the filters: the shop is asked again with it.
    const agentRow = within(table).getAllByRole('button', { name: 'Agent Demo' })[0];
    if (!agentRow) throw new Error('no staff link in the older rows');
    fireEvent.click(agentRow);
    await waitFor(() => {
      expect(asked.some((a) => a.filter.staffId === 'stf_agent')).toBe(true);
    });
    expect(await within(section).findByText(/^100 older events from the shop so far$/)).toBeTruthy();
    const filtered = within(section).getByRole('table', { name: 'Older audit events from the shop' });
    expect(within(filtered).getAllByRole('row')[0]?.textContent).toContain('994');
  });

  it('says free text is searched here only, and shows the shop’s refusal as it came', async () => {
    const asked: IpcArgs<'audit.older'>[] = [];
    renderConsole(
      handlers(asked, {
        'audit.older': (args) => {
          asked.push(args);
          throw refusal('shop_unreachable', 'The shop is not reachable at http://127.0.0.1:1.', 'network');
        },
      }),
      audit,
    );
    const section = await screen.findByRole('region', { name: /from the shop/ });
    fireEvent.click(within(section).getByRole('button', { name: 'Search older history at the shop' }));
    expect(await within(section).findByText(/The shop could not be searched/)).toBeTruthy();

    fireEvent.change(screen.getByRole('searchbox', { name: 'Text' }), { target: { value: 'refund' } });
    expect(
      await within(section).findByText(
        'Free text searches only the last 90 days. Clear it to search older history at the shop.',
      ),
    ).toBeTruthy();
    expect(asked.every((a) => !a.filter.text)).toBe(true);
  });

  it('is not there for a copy that holds the whole log, nor for an agent', async () => {
    renderConsole(
      handlers([], {
        'audit.status': () => auditStatus({ window: null }),
        'audit.export': () => ({ count: 40, delivery: { kind: 'saved', path: '/home/s/audit.csv' } }),
      }),
      audit,
    );
    expect(await screen.findByText('40 events')).toBeTruthy();
    expect(screen.queryByRole('region', { name: /from the shop/ })).toBeNull();
    expect(screen.getByText(/verified local copy$/)).toBeTruthy();
    // The export holds the whole log: nothing to add.
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(await screen.findByText('Saved 40 events to /home/s/audit.csv')).toBeTruthy();
  });

  it('says an export holds this computer’s copy only, and from when', async () => {
    renderConsole(
      handlers([], { 'audit.export': () => ({ count: 40, delivery: { kind: 'saved', path: '/home/s/audit.csv' } }) }),
      audit,
    );
    expect(await screen.findByText('40 events')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    expect(
      await screen.findByText(
        /^Saved 40 events to \/home\/s\/audit.csv\. Only this computer’s copy is exported: history before .*2026 stays at the shop\.$/,
      ),
    ).toBeTruthy();
  });
});
