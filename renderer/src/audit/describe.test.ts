import { describe, expect, it } from 'vitest';
import { AuditAction } from '../../../shared/api/audit';
import { auditEvent } from '../test/fixtures';
import { detailsSummary, describeDetails, formatEventTime } from './describe';

const AT = '2026-11-21T11:00:07.000Z';

/** Details as the shop records them for each action (shop/**: appendAudit calls). */
const RECORDED: Readonly<Record<AuditAction, Record<string, unknown>>> = {
  'staff.sign_in': { method: 'password+totp' },
  'staff.sign_in_failed': { reason: 'wrong_password', email: 'nobody@demo.test', decoy: true },
  'staff.mfa_failed': { reason: 'wrong_code', waitSeconds: 4 },
  'staff.locked': { scope: 'address', failures: 6, delaySeconds: 30 },
  'staff.sign_out': { familyId: 'fam_1', everywhere: true, sessionsEnded: 2 },
  'staff.token_reuse': { familyId: 'fam_1' },
  'staff.step_up': { method: 'totp', expiresAt: AT },
  'staff.step_up_failed': { method: 'password', reason: 'method_not_allowed', policy: 'totp' },
  'session.start': {
    mode: 'view',
    reason: 'Order status question',
    ticket: null,
    accountId: 'acc_jane_us',
    storeId: 'sto_us',
    consentBasis: 'code',
  },
  'session.refused': {
    code: 'consent_required',
    message: 'The customer has not given consent.',
    mode: 'act',
    requestedCustomerId: 'cus_000001',
    requestedAccountId: 'acc_1',
    reason: 'Refund',
    ticket: null,
    consent: 'none',
  },
  'session.handoff_redeemed': { storeId: 'sto_us', mode: 'act' },
  'session.handoff_refused': {
    route: 'GET /us/assist/enter',
    reason: 'used',
    count: 3,
    firstAt: AT,
    lastAt: AT,
    address: '127.0.0.1',
  },
  'session.end': { reason: 'idle_timeout', note: null, staffId: 'stf_agent', endedAt: AT },
  'session.mode_changed': { from: 'view', to: 'act', stepUp: true },
  'session.page_view': { path: '/us/account/orders', method: 'GET', store: 'us', status: 200, title: 'Your orders' },
  'session.action': {
    path: '/us/cart/add',
    method: 'POST',
    store: 'us',
    action: 'cart.add',
    status: 303,
    sku: 'SKU-1',
  },
  'session.action_refused': { path: '/us/cart/add', method: 'POST', store: 'us', reason: 'view_only', count: 1 },
  'customer.consent_granted': { duration: '7d', expiresAt: AT },
  'customer.consent_revoked': { previousStatus: 'granted' },
  'customer.consent_code_issued': { codeId: 'cc_1', expiresAt: AT },
  'customer.consent_code_used': { codeId: 'cc_1' },
  'settings.changed': { changed: { notifyCustomer: { before: true, after: false } } },
  'access.denied': { route: 'GET /api/v1/settings', reason: 'missing_permission', count: 2, firstAt: AT, lastAt: AT },
};

describe('audit details in words', () => {
  it.each(AuditAction.options)('%s: no nulls, no internal ids, times local with seconds', (action) => {
    const summary = detailsSummary(auditEvent(1, { action, details: RECORDED[action] }));
    expect(summary).not.toMatch(/null|undefined|\[object/);
    expect(summary).not.toMatch(/\b(cus|acc|sto|stf|fam|cc|evt|ses)_/);
    expect(summary).not.toContain(AT);
    if (Object.values(RECORDED[action]).includes(AT) && action !== 'access.denied')
      expect(summary).toContain(formatEventTime(AT));
  });

  it('says codes in words and keeps what people typed as typed', () => {
    const parts = (action: AuditAction) => describeDetails(auditEvent(1, { action, details: RECORDED[action] }));
    expect(parts('session.end')).toEqual([
      { label: 'How', value: 'Idle for too long' },
      { label: 'Ended', value: formatEventTime(AT) },
    ]);
    expect(parts('session.start')).toEqual([
      { label: 'Mode', value: 'View only' },
      { label: 'Reason', value: 'Order status question' },
      { label: 'Consent', value: 'One-time code' },
    ]);
    expect(parts('session.action_refused')).toContainEqual({ label: 'Why', value: 'View only' });
    expect(parts('settings.changed')).toEqual([{ label: 'Notify customer', value: 'yes → no' }]);
    expect(parts('session.mode_changed')).toEqual([
      { label: 'From', value: 'View only' },
      { label: 'To', value: 'Can act' },
      { label: 'Identity', value: 'Confirmed' },
    ]);
    expect(formatEventTime(AT)).toMatch(/\d{1,2}:\d{2}:\d{2}/);
  });
});
