import { permissionsOf, type Role, type Staff } from '../../../shared/api/auth';
import type { AuditEvent } from '../../../shared/api/audit';
import type { AssistSession } from '../../../shared/api/sessions';
import { AssistPolicy, DEFAULT_SETTINGS, type Settings } from '../../../shared/api/settings';
import type { Customer, CustomerSummary, ShopDocument, Store } from '../../../shared/api/shop';
import {
  REVERIFY_IDLE,
  SIGNING_UNKNOWN,
  type AuthState,
  type AuditSyncStatus,
  type OpenSession,
} from '../../../shared/ipc/contract';
import type { Handlers } from './fake-bridge';

export function staff(role: Role): Staff {
  return {
    id: `stf_${role}`,
    email: `${role}@demo.test`,
    name: `${role[0]?.toUpperCase() ?? ''}${role.slice(1)} Demo`,
    role,
    permissions: permissionsOf(role),
  };
}

export const keychain = { available: true, message: null };

export function signedIn(role: Role, restored = false): AuthState {
  return { status: 'signed_in', shopUrl: 'http://127.0.0.1:4310', keychain, staff: staff(role), restored };
}

export const stores: Store[] = [
  { id: 'sto_us', code: 'us', name: 'US store', baseUrl: 'http://127.0.0.1:4310/us', currency: 'USD' },
  { id: 'sto_eu', code: 'eu', name: 'EU store', baseUrl: 'http://127.0.0.1:4310/eu', currency: 'EUR' },
];

export const jane: Customer = {
  id: 'cus_jane',
  number: 'C-100001',
  name: 'Jane Smith',
  email: 'jane@example.com',
  phone: '+1 555 0100',
  createdAt: '2025-02-01T10:00:00.000Z',
  accounts: [
    { id: 'acc_jane_us', storeId: 'sto_us', storeCode: 'us', createdAt: '2025-02-01T10:00:00.000Z' },
    { id: 'acc_jane_eu', storeId: 'sto_eu', storeCode: 'eu', createdAt: '2025-03-01T10:00:00.000Z' },
  ],
  consent: { status: 'granted', grantedAt: '2026-01-01T09:00:00.000Z', expiresAt: null },
};

export const john: Customer = {
  id: 'cus_john',
  number: 'C-100002',
  name: 'John Doe',
  email: 'john@example.com',
  phone: null,
  createdAt: '2025-04-01T10:00:00.000Z',
  accounts: [{ id: 'acc_john_us', storeId: 'sto_us', storeCode: 'us', createdAt: '2025-04-01T10:00:00.000Z' }],
  consent: { status: 'not_granted', grantedAt: null, expiresAt: null },
};

export function summary(c: Customer, match: CustomerSummary['match'] = null): CustomerSummary {
  return {
    id: c.id,
    number: c.number,
    name: c.name,
    email: c.email,
    phone: c.phone,
    storeIds: c.accounts.map((a) => a.storeId),
    consent: c.consent,
    match,
  };
}

export function order(n: number, overrides: Partial<ShopDocument> = {}): ShopDocument {
  return {
    id: `doc_${n}`,
    type: 'order',
    number: `US-1000000${n}`,
    customerId: 'cus_jane',
    accountId: 'acc_jane_us',
    storeId: 'sto_us',
    orderId: null,
    orderNumber: null,
    status: 'complete',
    totalCents: 4599,
    currency: 'USD',
    createdAt: '2026-05-01T10:00:00.000Z',
    placedBy: null,
    ...overrides,
  };
}

export function session(overrides: Partial<AssistSession> = {}): AssistSession {
  return {
    id: 'ses_1',
    staffId: 'stf_agent',
    staffName: 'Agent Demo',
    customerId: 'cus_jane',
    customerName: 'Jane Smith',
    customerEmail: 'jane@example.com',
    accountId: 'acc_jane_us',
    storeId: 'sto_us',
    mode: 'view',
    reason: 'Customer cannot find her order',
    ticket: null,
    status: 'active',
    startedAt: '2026-11-21T11:00:00.000Z',
    expiresAt: '2026-11-21T11:30:00.000Z',
    lastActivityAt: '2026-11-21T11:00:00.000Z',
    idleTimeoutSeconds: 600,
    consoleLeaseExpiresAt: '2026-11-21T11:01:00.000Z',
    endedAt: null,
    endReason: null,
    endNote: null,
    endedBy: null,
    currentPage: null,
    currentPagePath: null,
    currentPageAt: null,
    ...overrides,
  };
}

export function openSession(overrides: Partial<OpenSession> = {}, s: Partial<AssistSession> = {}): OpenSession {
  // The idle deadline comes first unless a test says otherwise.
  const secondsLeft = overrides.secondsLeft ?? 761;
  return {
    session: session(s),
    storeName: 'US store',
    secondsLeft,
    idleSecondsLeft: secondsLeft,
    maxSecondsLeft: Math.max(secondsLeft, 1500),
    state: 'open',
    endedMessage: null,
    problem: null,
    ...overrides,
  };
}

export const settings: Settings = { ...DEFAULT_SETTINGS };

export function auditEvent(seq: number, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    seq,
    id: `evt_${seq}`,
    at: new Date(Date.UTC(2026, 10, 21, 11, 0, seq % 60)).toISOString(),
    action: 'session.page_view',
    actor: { type: 'staff', id: 'stf_agent', name: 'Agent Demo' },
    customerId: 'cus_jane',
    sessionId: 'ses_1',
    ip: '127.0.0.1',
    userAgent: null,
    details: { path: `/account/orders/${seq}` },
    prevHash: '0'.repeat(64),
    hash: 'a'.repeat(64),
    ...overrides,
  };
}

export function auditStatus(overrides: Partial<AuditSyncStatus> = {}): AuditSyncStatus {
  return {
    state: 'idle',
    lastSeq: 1000,
    headSeq: 1000,
    synced: 1000,
    message: null,
    verification: { ok: true, checked: 1000 },
    lastSyncAt: '2026-11-21T11:05:00.000Z',
    scope: 'all',
    signing: SIGNING_UNKNOWN,
    reverify: REVERIFY_IDLE,
    window: null,
    ...overrides,
  };
}

/** The shop's assist policy: the demo's defaults (automatic store, TOTP, view) with the given changes. */
export function assistPolicy(changes: Partial<AssistPolicy> = {}): AssistPolicy {
  return { ...AssistPolicy.parse(DEFAULT_SETTINGS), ...changes };
}

/**
 * What the customer and session screens ask, plainly answered: `role` signed in, `open` sessions
 * in this console, Jane, no documents, no past sessions, the default policy. `extra` overrides.
 */
export function consoleHandlers(
  { role = 'agent', open = [] }: { role?: Role; open?: OpenSession[] },
  extra: Handlers = {},
): Handlers {
  return {
    'auth.state': () => signedIn(role),
    'sessions.open': () => open,
    'sessions.show': () => ({}),
    'shop.stores': () => stores,
    'shop.customer': () => jane,
    'shop.documents': () => ({ items: [] }),
    'shop.sessions': () => ({ items: [] }),
    'shop.assistPolicy': () => assistPolicy(),
    ...extra,
  };
}
