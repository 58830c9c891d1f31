import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import type { AuditFilter } from '../../../shared/ipc/contract';
import { auditEvent, auditStatus, signedIn, stores } from '../test/fixtures';
import { renderConsole } from '../test/render';
import { giveElementsASize } from '../test/viewport';

// A debounce longer than any test: a query seen after a change cannot have come from it.
vi.mock('./timing', () => ({ FILTER_DEBOUNCE_MS: 60_000, FILTER_TEXT_IMMEDIATE_MIN_CHARS: 3 }));
giveElementsASize();
afterEach(cleanup);

describe('audit viewer filter changes', () => {
  it('applies a choice and text of three characters at once, and waits for a pause in other typing', async () => {
    const seen: AuditFilter[] = [];
    const { user } = renderConsole(
      {
        'auth.state': () => signedIn('supervisor'),
        'sessions.open': () => [],
        'shop.stores': () => stores,
        'audit.status': () =>
          auditStatus({ lastSeq: 3, headSeq: 3, synced: 3, verification: { ok: true, checked: 3 } }),
        'audit.query': ({ filter }) => {
          seen.push(filter);
          return {
            total: 1,
            events: [auditEvent(filter.action ? 2 : 3, filter.action ? { action: 'session.action_refused' } : {})],
          };
        },
      },
      { initial: { screen: { name: 'audit' } } },
    );
    const table = await screen.findByRole('table', { name: 'Audit events' });
    expect(await within(table).findByText('3')).toBeTruthy();

    await user.selectOptions(screen.getByLabelText('Action'), 'Actions refused');
    expect(await within(table).findByText('2')).toBeTruthy();
    expect(seen.at(-1)).toEqual({ action: 'session.action_refused' });

    // Typing an id waits for a pause; so does text of one or two characters.
    await user.type(screen.getByLabelText('Session ID'), 'ses_1');
    await user.type(screen.getByLabelText('Text'), 'ca');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.some((f) => f.text !== undefined || f.sessionId !== undefined)).toBe(false);
    // From three characters on, text is queried at once (with the id typed before it).
    await user.type(screen.getByLabelText('Text'), 'r');
    await waitFor(() => {
      expect(seen).toContainEqual({ action: 'session.action_refused', sessionId: 'ses_1', text: 'car' });
    });

    // Clearing is a choice again: it applies at once, typed text included.
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => {
      expect(within(table).queryByText('2')).toBeNull();
    });
    expect(within(table).getByText('3')).toBeTruthy();
  });
});
