import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssistPolicy, DEFAULT_SETTINGS } from '../../shared/api/settings';
import {
  IPC_CHANNELS,
  ipcContract,
  REVERIFY_IDLE,
  SIGNING_UNKNOWN,
  type AuditSyncStatus,
} from '../../shared/ipc/contract';
import { describeAgainstOneShop, type TestShop } from '../../shop/test/harness';
import { brokenKeychain } from '../test/keychain';
import { DEMO_STAFF_PASSWORD, startDemoShop, totpCodes } from '../test/shop';
import { createAuthService, type AuthService } from './auth/auth-service';
import {
  createIpcHandlers,
  dispatch,
  reportingUnexpected,
  savedExports,
  type AuditPort,
  type IpcHandlers,
} from './ipc-handlers';
import { createPartitionPool } from './partition-pool';
import { createSessionManager, type SessionManager } from './sessions/session-manager';
import { createVault } from './vault';
import type { ViewHost } from './view-host';

/** A view host that records calls: these tests exercise dispatch, not views (session-manager.test.ts does). */
function recordingViewHost(): ViewHost & { shown: (string | null)[] } {
  const shown: (string | null)[] = [];
  return {
    shown,
    open: () => Promise.reject(new Error('no views in this test')),
    show: (sessionId) => {
      shown.push(sessionId);
    },
    update: () => undefined,
    close: () => Promise.resolve(),
    wipe: () => Promise.resolve(),
    reload: () => Promise.resolve(),
  };
}

const idleStatus: AuditSyncStatus = {
  state: 'idle',
  lastSeq: 0,
  headSeq: 0,
  synced: 0,
  message: null,
  verification: { ok: true, checked: 0 },
  lastSyncAt: null,
  scope: 'all',
  signing: SIGNING_UNKNOWN,
  reverify: REVERIFY_IDLE,
  window: null,
};

function recordingAudit(): AuditPort & { exports: string[] } {
  const exports: string[] = [];
  return {
    exports,
    status: () => idleStatus,
    sync: () => Promise.resolve(idleStatus),
    verifyAgain: () => Promise.resolve(idleStatus),
    trustKey: () => Promise.resolve(idleStatus),
    query: () => ({ total: 0, events: [] }),
    older: () => Promise.resolve({ events: [], nextBefore: null }),
    exportTo: (_filter, _format, path) => {
      exports.push(path);
      return Promise.resolve({ count: 0 });
    },
  };
}

describeAgainstOneShop('IPC dispatch over the real core', (backend) => {
  let shop: TestShop;
  let code: (email: string) => string;
  let auth: AuthService;
  let sessions: SessionManager;
  let handlers: IpcHandlers;
  const viewHost = recordingViewHost();
  const audit = recordingAudit();
  let exportPath: string | null = '/tmp/concierge-export.csv';

  beforeAll(async () => {
    shop = await startDemoShop(backend);
    code = totpCodes(shop);
    auth = createAuthService({ shopUrl: shop.url, vault: createVault({ keychain: brokenKeychain }) });
    sessions = createSessionManager({
      api: () => auth.client(),
      viewHost,
      pool: createPartitionPool({ size: 1, wipe: () => Promise.resolve() }),
      pollIntervalMs: 60_000,
    });
    handlers = createIpcHandlers({
      auth,
      sessions,
      viewHost,
      audit,
      exportDestination: savedExports(() => Promise.resolve(exportPath)),
    });
  });
  afterAll(async () => {
    sessions.dispose();
    auth.dispose();
    await shop.close();
  });

  it('has a handler for every channel of the contract', () => {
    expect(Object.keys(handlers).sort()).toEqual([...IPC_CHANNELS].sort());
  });

  it('rejects bad arguments with kind validation before any handler runs', async () => {
    const cases: [string, unknown][] = [
      ['auth.signIn', { shopUrl: 'not a url', email: 'a@b.c', password: 'x' }],
      ['auth.signIn', { shopUrl: shop.url, email: '', password: 'x' }],
      ['auth.verifyMfa', { code: '12345' }],
      ['auth.verifyMfa', { code: 123456 }],
      ['shop.customer', { id: '../../admin' }],
      ['shop.searchCustomers', { limit: 1000 }],
      [
        'sessions.start',
        { customerId: 'cus_1', accountId: 'acc_1', mode: 'admin', reason: 'why', stepUp: { code: '123456' } },
      ],
      [
        'sessions.start',
        { customerId: 'cus_1', accountId: 'acc_1', mode: 'view', reason: 'x', stepUp: { code: '123456' } },
      ],
      [
        'sessions.start',
        {
          customerId: 'cus_1',
          accountId: 'acc_1',
          mode: 'view',
          reason: 'why not',
          stepUp: { code: '123456', password: 'p' },
        },
      ],
      ['sessions.show', { sessionId: null, bounds: { x: -1, y: 0, width: 10, height: 10 } }],
      ['audit.query', { filter: {}, offset: 0, limit: 501 }],
      ['audit.export', { filter: {}, format: 'xlsx' }],
      ['sessions.end', 'ses_1'],
      ['sessions.end', null],
    ];
    for (const [channel, args] of cases) {
      const response = await dispatch(handlers, channel, args);
      expect(response, `${channel} ${JSON.stringify(args)}`).toMatchObject({
        ok: false,
        error: { kind: 'validation' },
      });
    }
    expect(viewHost.shown).toEqual([]);
  });

  it('refuses unknown channels, including prototype names', async () => {
    for (const channel of ['nope', 'constructor', '__proto__', 'toString', 'auth']) {
      expect(await dispatch(handlers, channel, {})).toMatchObject({
        ok: false,
        error: { kind: 'validation', code: 'unknown_channel' },
      });
    }
  });

  it('answers signed-out calls with kind auth, and runs a whole sign-in through dispatch', async () => {
    expect(await dispatch(handlers, 'shop.stores', {})).toMatchObject({
      ok: false,
      error: { kind: 'auth', code: 'not_signed_in' },
    });
    const state = await dispatch(handlers, 'auth.state', {});
    expect(state).toMatchObject({ ok: true, value: { status: 'signed_out', keychain: { available: false } } });

    expect(
      await dispatch(handlers, 'auth.signIn', {
        shopUrl: shop.url,
        email: 'agent@demo.test',
        password: DEMO_STAFF_PASSWORD,
      }),
    ).toMatchObject({ ok: true, value: { status: 'mfa_required' } });
    expect(await dispatch(handlers, 'auth.verifyMfa', { code: code('agent@demo.test') })).toMatchObject({
      ok: true,
      value: { status: 'signed_in', staff: { role: 'agent' } },
    });

    const stores = await dispatch(handlers, 'shop.stores', {});
    expect(
      stores.ok &&
        ipcContract['shop.stores'].result
          .parse(stores.value)
          .map((s) => s.code)
          .sort(),
    ).toEqual(['eu', 'us']);
    const found = await dispatch(handlers, 'shop.searchCustomers', { q: 'jane@example.com' });
    expect(found).toMatchObject({ ok: true, value: { items: [{ email: 'jane@example.com' }] } });
    expect(await dispatch(handlers, 'shop.customer', { id: 'cus_000001' })).toMatchObject({
      ok: true,
      value: { name: 'Jane Smith' },
    });
    expect(await dispatch(handlers, 'shop.customer', { id: 'cus_nobody' })).toMatchObject({
      ok: false,
      error: { kind: 'shop' },
    });
    // One document, read without a session; another customer's is the shop's 404.
    expect(
      await dispatch(handlers, 'shop.document', { customerId: 'cus_000001', documentId: 'ord_000001' }),
    ).toMatchObject({ ok: true, value: { number: 'O-00000001', type: 'order', customerId: 'cus_000001' } });
    expect(
      await dispatch(handlers, 'shop.document', { customerId: 'cus_000002', documentId: 'ord_000001' }),
    ).toMatchObject({ ok: false, error: { kind: 'shop', code: 'document_not_found' } });
    // A caller that gave up (the browser tier: the page aborted its request) cancels the read,
    // before it is sent or while the shop request is in flight.
    const gaveUp = new AbortController();
    gaveUp.abort();
    const cancelled = { ok: false, error: { kind: 'internal', code: 'cancelled' } };
    expect(await dispatch(handlers, 'shop.searchCustomers', { q: 'jane' }, { signal: gaveUp.signal })).toMatchObject(
      cancelled,
    );
    for (const [channel, args] of [
      ['shop.searchCustomers', { q: 'smith' }],
      ['shop.customer', { id: 'cus_000001' }],
      ['shop.documents', { customerId: 'cus_000001' }],
      ['shop.document', { customerId: 'cus_000001', documentId: 'ord_000001' }],
      ['shop.stores', {}],
    ] as const) {
      const inFlight = new AbortController();
      const pending = dispatch(handlers, channel, args, { signal: inFlight.signal });
      inFlight.abort();
      expect(await pending, channel).toMatchObject(cancelled);
    }
    // The same client goes on answering.
    expect(
      await dispatch(
        handlers,
        'shop.searchCustomers',
        { q: 'jane@example.com' },
        { signal: new AbortController().signal },
      ),
    ).toMatchObject({ ok: true, value: { items: [{ email: 'jane@example.com' }] } });
    // An agent may not read settings: the shop's refusal comes through with its code.
    expect(await dispatch(handlers, 'shop.settings', {})).toMatchObject({
      ok: false,
      error: { kind: 'shop', code: 'permission_denied' },
    });
    // The part of the settings that starting a session follows is open to every staff member.
    expect(await dispatch(handlers, 'shop.assistPolicy', {})).toEqual({
      ok: true,
      value: AssistPolicy.parse(DEFAULT_SETTINGS),
    });
    expect(await dispatch(handlers, 'sessions.open', {})).toEqual({ ok: true, value: [] });
    expect(await dispatch(handlers, 'sessions.end', { sessionId: 'ses_unknown' })).toMatchObject({
      ok: false,
      error: { code: 'session_not_open' },
    });
    expect(await dispatch(handlers, 'sessions.show', { sessionId: null })).toEqual({ ok: true, value: {} });
    expect(viewHost.shown).toEqual([null]);

    expect(await dispatch(handlers, 'audit.export', { filter: {}, format: 'csv' })).toEqual({
      ok: true,
      value: { count: 0, delivery: { kind: 'saved', path: '/tmp/concierge-export.csv' } },
    });
    exportPath = null;
    expect(await dispatch(handlers, 'audit.export', { filter: {}, format: 'jsonl' })).toEqual({
      ok: true,
      value: { count: 0, delivery: null },
    });
    expect(audit.exports).toEqual(['/tmp/concierge-export.csv']);

    expect(await dispatch(handlers, 'auth.signOut', {})).toMatchObject({ ok: true, value: { status: 'signed_out' } });
  });
});

describe('IPC dispatch never throws', () => {
  it('maps a handler that throws something odd to an internal error', async () => {
    const base = createIpcHandlers({
      auth: createAuthService({ shopUrl: 'http://127.0.0.1:9', vault: createVault({ keychain: brokenKeychain }) }),
      sessions: {
        list: () => {
          throw new Error('boom');
        },
      } as unknown as SessionManager,
      viewHost: recordingViewHost(),
      audit: recordingAudit(),
      exportDestination: () => Promise.resolve(null),
    });
    expect(await dispatch(base, 'sessions.open', {})).toMatchObject({
      ok: false,
      error: { kind: 'internal', code: 'internal_error' },
    });
    // An unreachable shop is a network error, not a crash.
    expect(
      await dispatch(base, 'auth.signIn', { shopUrl: 'http://127.0.0.1:9', email: 'a@demo.test', password: 'x' }),
    ).toMatchObject({ ok: false, error: { kind: 'network' } });
  });

  it('reports an unexpected failure, but not the failure of a call its caller aborted', async () => {
    const failing = createIpcHandlers({
      auth: createAuthService({ shopUrl: 'http://127.0.0.1:9', vault: createVault({ keychain: brokenKeychain }) }),
      sessions: {} as SessionManager,
      viewHost: recordingViewHost(),
      audit: { ...recordingAudit(), query: () => Promise.reject(new DOMException('aborted', 'AbortError')) },
      exportDestination: () => Promise.resolve(null),
    });
    const reported: string[] = [];
    const handlers = reportingUnexpected(failing, (channel) => reported.push(channel), null);
    const args = { filter: {}, offset: 0, limit: 50 };
    const aborted = new AbortController();
    aborted.abort();
    expect(await dispatch(handlers, 'audit.query', args, { signal: aborted.signal })).toMatchObject({ ok: false });
    expect(reported).toEqual([]);
    expect(await dispatch(handlers, 'audit.query', args)).toMatchObject({ ok: false });
    expect(reported).toEqual(['audit.query']);
  });
});
