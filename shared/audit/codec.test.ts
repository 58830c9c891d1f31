import { describe, expect, it } from 'vitest';
import { AuditEvent } from '../api/audit';
import { AUDIT_COLUMNS, eventFromRow, eventToRow, UnknownAuditActionError } from './codec';

const event: AuditEvent = AuditEvent.parse({
  seq: 7,
  id: 'evt_7',
  at: '2026-01-02T03:04:05.678Z',
  action: 'session.action_refused',
  actor: { type: 'staff', id: 'stf_1', name: 'Ada' },
  customerId: 'cus_1',
  sessionId: 'ses_1',
  ip: '127.0.0.1',
  userAgent: null,
  details: { path: '/cart/add', nested: { reason: 'view_only' } },
  prevHash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
});

describe('audit codec', () => {
  it('round-trips an event through its row, one column per AUDIT_COLUMNS entry', () => {
    const row = eventToRow(event);
    expect(Object.keys(row)).toEqual([...AUDIT_COLUMNS]);
    expect(eventFromRow(row)).toEqual(event);
  });

  it('refuses a stored action AuditAction does not know, naming it and its seq', () => {
    const row = { ...eventToRow(event), action: 'session.teleported' };
    expect(() => eventFromRow(row)).toThrow(UnknownAuditActionError);
    expect(() => eventFromRow(row)).toThrow('Audit event 7 has an unknown action "session.teleported".');
  });
});
