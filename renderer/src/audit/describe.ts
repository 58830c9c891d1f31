import type { AuditAction, AuditEvent } from '../../../shared/api/audit';
import type { AuditActionGroup } from '../../../shared/audit/action-groups';

// Over AuditAction, so the type checker asks for a label whenever an action is added.
const ACTIONS: Readonly<Record<AuditAction, string>> = {
  'staff.sign_in': 'Signed in',
  'staff.sign_in_failed': 'Sign-in failed',
  'staff.mfa_failed': 'Wrong authenticator code',
  'staff.locked': 'Sign-in throttled',
  'staff.sign_out': 'Signed out',
  'staff.token_reuse': 'Reused sign-in token (revoked)',
  'staff.step_up': 'Confirmed identity',
  'staff.step_up_failed': 'Identity confirmation failed',
  'session.start': 'Session started',
  'session.refused': 'Session refused',
  'session.handoff_redeemed': 'Storefront opened',
  'session.handoff_refused': 'Storefront hand-off refused',
  'session.end': 'Session ended',
  'session.page_view': 'Page viewed',
  'session.action': 'Action taken',
  'session.action_refused': 'Action refused',
  'customer.consent_granted': 'Consent granted',
  'customer.consent_revoked': 'Consent withdrawn',
  'customer.consent_code_issued': 'Consent code issued',
  'customer.consent_code_used': 'Consent code used',
  'settings.changed': 'Settings changed',
  'access.denied': 'Access denied',
};

export function actionLabel(action: string): string {
  return (ACTIONS as Readonly<Record<string, string>>)[action] ?? action;
}

/** Choices of the action filter: a prefix, one exact action, or a named group (`group`, not an action). */
export const ACTION_GROUPS: readonly { value: string; label: string; group?: AuditActionGroup }[] = [
  { value: '', label: 'All actions' },
  { value: 'group:refused', label: 'Refused', group: 'refused' },
  { value: 'session.', label: 'Sessions (all)' },
  { value: 'session.page_view', label: 'Pages viewed' },
  { value: 'session.action', label: 'Actions taken' },
  { value: 'session.action_refused', label: 'Actions refused' },
  { value: 'staff.', label: 'Staff sign-in & step-up' },
  { value: 'customer.', label: 'Customer consent' },
  { value: 'settings.', label: 'Settings' },
];

const SUMMARY_KEYS = [
  'reason',
  'note',
  'path',
  'url',
  'method',
  'what',
  'code',
  'mode',
  'store',
  'endReason',
  'message',
];

function short(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** One line from the event's details: the keys a reader cares about first, then the rest. */
export function detailsSummary(event: AuditEvent): string {
  const entries = Object.entries(event.details);
  const known = SUMMARY_KEYS.flatMap((k) => (k in event.details ? [[k, event.details[k]] as const] : []));
  const rest = entries.filter(([k]) => !SUMMARY_KEYS.includes(k));
  return [...known, ...rest].map(([k, v]) => `${k}: ${short(v)}`).join(' · ');
}

export type TimelineKind = 'start' | 'page' | 'action' | 'refused' | 'end' | 'other';

export function timelineKind(action: string): TimelineKind {
  if (action === 'session.start' || action === 'session.handoff_redeemed') return 'start';
  if (action === 'session.page_view') return 'page';
  if (action === 'session.action') return 'action';
  if (action === 'session.action_refused' || action === 'session.refused' || action === 'session.handoff_refused')
    return 'refused';
  if (action === 'session.end') return 'end';
  return 'other';
}
