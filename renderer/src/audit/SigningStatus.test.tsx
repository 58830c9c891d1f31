import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import type { Role } from '../../../shared/api/auth';
import { SIGNING_UNKNOWN, type AuditKeyStatus, type AuditSigningStatus } from '../../../shared/ipc/contract';
import type { Handlers } from '../test/fake-bridge';
import { auditStatus, signedIn, stores } from '../test/fixtures';
import { renderConsole } from '../test/render';
import { giveElementsASize } from '../test/viewport';

giveElementsASize();
afterEach(cleanup);

const audit = { initial: { screen: { name: 'audit' as const } } };
const pinned: AuditKeyStatus = {
  keyId: '66687aadf862bd77',
  fingerprint: '6668 7aad f862 bd77',
  pinned: true,
  pinnedAt: '2026-12-01T09:00:00.000Z',
  source: 'first_sync',
  retiredAt: null,
};
const stranger: AuditKeyStatus = {
  ...pinned,
  keyId: '0123456789abcdef',
  fingerprint: '0123 4567 89ab cdef',
  pinned: false,
  pinnedAt: null,
  source: null,
};
const signing = (changes: Partial<AuditSigningStatus>): AuditSigningStatus => ({
  ...SIGNING_UNKNOWN,
  state: 'verified',
  keys: [pinned],
  checkpoints: 12,
  compared: 12,
  lastCheckpointSeq: 12_000,
  ...changes,
});

function handlers(role: Role, status: ReturnType<typeof auditStatus>, extra: Handlers = {}): Handlers {
  return {
    'auth.state': () => signedIn(role),
    'sessions.open': () => [],
    'shop.stores': () => stores,
    'audit.status': () => status,
    'audit.query': () => ({ total: 0, events: [] }),
    ...extra,
  };
}

const bar = () => screen.findByRole('status', { name: 'Signed checkpoints' });

describe('signed checkpoints in the audit status bar', () => {
  it('says how many checkpoints verified and with which pinned key', async () => {
    renderConsole(handlers('supervisor', auditStatus({ signing: signing({}) })), audit);
    await waitFor(async () => {
      expect((await bar()).textContent).toBe(
        '✓ 12 signed checkpoints verified (12 matched to this copy) · key 6668 7aad f862 bd77',
      );
    });
  });

  it('tells an agent that only signatures are checked, and a partial copy is not called a verified chain', async () => {
    renderConsole(handlers('agent', auditStatus({ scope: 'own', signing: signing({ compared: 0 }) })), audit);
    await waitFor(async () => {
      expect((await bar()).textContent).toContain('signatures only (your copy holds only your events)');
    });
    const chain = screen.getByRole('status', { name: 'Chain verification' });
    expect(chain.textContent).toContain('Each of your 1,000 events matches its own hash');
    expect(chain.textContent).not.toContain('Chain verified');
  });

  it('shows a rewritten history in red with its seq and reason', async () => {
    const rewritten = signing({ state: 'rewritten', rewritten: { seq: 3000, problem: 'checkpoint_mismatch' } });
    renderConsole(handlers('supervisor', auditStatus({ signing: rewritten })), audit);
    await waitFor(async () => {
      expect((await bar()).textContent).toContain('The shop’s history was rewritten at or before seq 3000');
    });
    expect((await bar()).querySelector('.bad')).not.toBeNull();
  });

  it('warns about a key it never pinned; a supervisor trusts it after reading the fingerprint, an agent cannot', async () => {
    const warning = signing({
      state: 'warning',
      keys: [pinned, stranger],
      message: 'The shop signs with a key this console has not pinned: 0123 4567 89ab cdef.',
    });
    const trusted: string[] = [];
    const { user } = renderConsole(
      handlers('supervisor', auditStatus({ signing: warning }), {
        'audit.trustKey': ({ keyId }) => {
          trusted.push(keyId);
          return auditStatus({
            signing: signing({ keys: [pinned, { ...stranger, pinned: true, source: 'trusted' }] }),
          });
        },
      }),
      audit,
    );
    await waitFor(async () => {
      expect((await bar()).textContent).toContain('⚠ The shop signs with a key this console has not pinned');
    });
    await user.click(screen.getByRole('button', { name: 'Trust key 0123 4567 89ab cdef…' }));
    const ask = screen.getByRole('group', { name: 'Trust key 0123 4567 89ab cdef' });
    await user.click(within(ask).getByRole('button', { name: 'Trust' }));
    await waitFor(async () => {
      expect((await bar()).textContent).toContain('✓ 12 signed checkpoints verified');
    });
    expect(trusted).toEqual([stranger.keyId]);
    cleanup();

    renderConsole(handlers('agent', auditStatus({ scope: 'own', signing: warning })), audit);
    await waitFor(async () => {
      expect((await bar()).textContent).toContain('⚠');
    });
    expect(screen.queryByRole('button', { name: /Trust key/ })).toBeNull();
  });
});
