import { model } from '@medusajs/framework/utils';

/**
 * The plugin's own records. Medusa generates the tables from these models (migrations beside
 * them); a hand-written migration adds what a model cannot say: the audit log's append-only
 * trigger and the single-use indexes. Routes read and write them with SQL in one transaction.
 */

/** Staff sign-ins: one row per token (access, refresh, MFA step, step-up), stored as a SHA-256 only. */
export const StaffToken = model.define('concierge_staff_token', {
  id: model.id({ prefix: 'ctok' }).primaryKey(),
  token_hash: model.text().unique(),
  kind: model.enum(['mfa', 'access', 'refresh', 'step_up']),
  staff_id: model.text().index(),
  sign_in_id: model.text().index(),
  expires_at: model.dateTime(),
  used_at: model.dateTime().nullable(),
});

/** A TOTP code accepted once per person: the step's code is kept until it can no longer verify. */
export const TotpUse = model
  .define('concierge_totp_use', {
    id: model.id({ prefix: 'ctotp' }).primaryKey(),
    staff_id: model.text(),
    code: model.text(),
    expires_at: model.dateTime(),
  })
  .indexes([{ on: ['staff_id', 'code'], unique: true }]);

export const AssistSession = model.define('concierge_session', {
  id: model.id({ prefix: 'ses' }).primaryKey(),
  staff_id: model.text().index(),
  staff_name: model.text(),
  staff_role: model.text(),
  sign_in_id: model.text(),
  customer_id: model.text().index(),
  customer_name: model.text(),
  customer_email: model.text(),
  account_id: model.text(),
  store_id: model.text(),
  store_code: model.text(),
  mode: model.enum(['view', 'act']),
  status: model.enum(['pending', 'active', 'ended']),
  reason: model.text(),
  ticket: model.text().nullable(),
  started_at: model.dateTime(),
  expires_at: model.dateTime(),
  last_activity_at: model.dateTime(),
  idle_timeout_seconds: model.number(),
  console_lease_expires_at: model.dateTime(),
  ended_at: model.dateTime().nullable(),
  end_reason: model.text().nullable(),
  end_note: model.text().nullable(),
  ended_by_name: model.text().nullable(),
  ended_by_role: model.text().nullable(),
  cookie_hash: model.text().nullable(),
  current_page: model.text().nullable(),
  current_page_path: model.text().nullable(),
  current_page_at: model.dateTime().nullable(),
});

/** A handoff code, stored as a SHA-256; claimed once by a conditional UPDATE. */
export const HandoffCode = model.define('concierge_handoff_code', {
  id: model.id({ prefix: 'hof' }).primaryKey(),
  code_hash: model.text().unique(),
  session_id: model.text(),
  expires_at: model.dateTime(),
  used_at: model.dateTime().nullable(),
});

/**
 * One audit event. `body` is the canonical JSON the hash was computed over, kept as text:
 * PostgreSQL's jsonb reorders keys, so the chain is never rebuilt from a value read back.
 */
export const AuditEvent = model.define('concierge_audit_event', {
  id: model.id({ prefix: 'aud' }).primaryKey(),
  seq: model.number().unique(),
  at: model.dateTime(),
  action: model.text(),
  actor_id: model.text().nullable(),
  customer_id: model.text().nullable(),
  session_id: model.text().nullable(),
  hash: model.text(),
  body: model.text(),
});

/** The shop-wide assistance settings: one row, the JSON the Assistance API's Settings schema checks. */
export const Setting = model.define('concierge_setting', {
  id: model.id({ prefix: 'cset' }).primaryKey(),
  value: model.json(),
});
