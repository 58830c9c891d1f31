import { AuditAction, AuditActionGroup } from '../api/audit';

// Declared beside AuditAction, since GET /audit/search takes a group too; re-exported for the console.
export { AuditActionGroup };

// Every action says whether it records a refusal, so a new action cannot be left out of the group.
const IS_REFUSAL: Readonly<Record<AuditAction, boolean>> = {
  'staff.sign_in': false,
  'staff.sign_in_failed': true,
  'staff.mfa_failed': true,
  'staff.locked': true,
  'staff.sign_out': false,
  'staff.token_reuse': false,
  'staff.step_up': false,
  'staff.step_up_failed': true,
  'session.start': false,
  'session.refused': true,
  'session.handoff_redeemed': false,
  'session.handoff_refused': true,
  'session.end': false,
  'session.mode_changed': false,
  'session.page_view': false,
  'session.action': false,
  'session.action_refused': true,
  'customer.consent_granted': false,
  'customer.consent_revoked': false,
  'customer.consent_code_issued': false,
  'customer.consent_code_used': false,
  'settings.changed': false,
  'access.denied': true,
};

/** The actions of each group, in AuditAction's order. */
export const AUDIT_ACTION_GROUPS: Readonly<Record<AuditActionGroup, readonly AuditAction[]>> = {
  refused: AuditAction.options.filter((action) => IS_REFUSAL[action]),
};
