import { Migration } from '@medusajs/framework/mikro-orm/migrations';

export class Migration20261207172607 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table if exists "concierge_totp_use" drop constraint if exists "concierge_totp_use_staff_id_code_unique";`,
    );
    this.addSql(
      `alter table if exists "concierge_staff_token" drop constraint if exists "concierge_staff_token_token_hash_unique";`,
    );
    this.addSql(
      `alter table if exists "concierge_handoff_code" drop constraint if exists "concierge_handoff_code_code_hash_unique";`,
    );
    this.addSql(
      `alter table if exists "concierge_audit_event" drop constraint if exists "concierge_audit_event_seq_unique";`,
    );
    this.addSql(
      `create table if not exists "concierge_audit_event" ("id" text not null, "seq" integer not null, "at" timestamptz not null, "action" text not null, "actor_id" text null, "customer_id" text null, "session_id" text null, "hash" text not null, "body" text not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "concierge_audit_event_pkey" primary key ("id"));`,
    );
    this.addSql(
      `CREATE UNIQUE INDEX IF NOT EXISTS "IDX_concierge_audit_event_seq_unique" ON "concierge_audit_event" ("seq") WHERE deleted_at IS NULL;`,
    );
    this.addSql(
      `CREATE INDEX IF NOT EXISTS "IDX_concierge_audit_event_deleted_at" ON "concierge_audit_event" ("deleted_at") WHERE deleted_at IS NULL;`,
    );

    this.addSql(
      `create table if not exists "concierge_handoff_code" ("id" text not null, "code_hash" text not null, "session_id" text not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "concierge_handoff_code_pkey" primary key ("id"));`,
    );
    this.addSql(
      `CREATE UNIQUE INDEX IF NOT EXISTS "IDX_concierge_handoff_code_code_hash_unique" ON "concierge_handoff_code" ("code_hash") WHERE deleted_at IS NULL;`,
    );
    this.addSql(
      `CREATE INDEX IF NOT EXISTS "IDX_concierge_handoff_code_deleted_at" ON "concierge_handoff_code" ("deleted_at") WHERE deleted_at IS NULL;`,
    );

    this.addSql(
      `create table if not exists "concierge_session" ("id" text not null, "staff_id" text not null, "staff_name" text not null, "staff_role" text not null, "sign_in_id" text not null, "customer_id" text not null, "customer_name" text not null, "customer_email" text not null, "account_id" text not null, "store_id" text not null, "store_code" text not null, "mode" text check ("mode" in ('view', 'act')) not null, "status" text check ("status" in ('pending', 'active', 'ended')) not null, "reason" text not null, "ticket" text null, "started_at" timestamptz not null, "expires_at" timestamptz not null, "last_activity_at" timestamptz not null, "idle_timeout_seconds" integer not null, "console_lease_expires_at" timestamptz not null, "ended_at" timestamptz null, "end_reason" text null, "end_note" text null, "ended_by_name" text null, "ended_by_role" text null, "cookie_hash" text null, "current_page" text null, "current_page_path" text null, "current_page_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "concierge_session_pkey" primary key ("id"));`,
    );
    this.addSql(
      `CREATE INDEX IF NOT EXISTS "IDX_concierge_session_staff_id" ON "concierge_session" ("staff_id") WHERE deleted_at IS NULL;`,
    );
    this.addSql(
      `CREATE INDEX IF NOT EXISTS "IDX_concierge_session_customer_id" ON "concierge_session" ("customer_id") WHERE deleted_at IS NULL;`,
    );
    this.addSql(
      `CREATE INDEX IF NOT EXISTS "IDX_concierge_session_deleted_at" ON "concierge_session" ("deleted_at") WHERE deleted_at IS NULL;`,
    );

    this.addSql(
      `create table if not exists "concierge_setting" ("id" text not null, "value" jsonb not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "concierge_setting_pkey" primary key ("id"));`,
    );
    this.addSql(
      `CREATE INDEX IF NOT EXISTS "IDX_concierge_setting_deleted_at" ON "concierge_setting" ("deleted_at") WHERE deleted_at IS NULL;`,
    );

    this.addSql(
      `create table if not exists "concierge_staff_token" ("id" text not null, "token_hash" text not null, "kind" text check ("kind" in ('mfa', 'access', 'refresh', 'step_up')) not null, "staff_id" text not null, "sign_in_id" text not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "concierge_staff_token_pkey" primary key ("id"));`,
    );
    this.addSql(
      `CREATE UNIQUE INDEX IF NOT EXISTS "IDX_concierge_staff_token_token_hash_unique" ON "concierge_staff_token" ("token_hash") WHERE deleted_at IS NULL;`,
    );
    this.addSql(
      `CREATE INDEX IF NOT EXISTS "IDX_concierge_staff_token_staff_id" ON "concierge_staff_token" ("staff_id") WHERE deleted_at IS NULL;`,
    );
    this.addSql(
      `CREATE INDEX IF NOT EXISTS "IDX_concierge_staff_token_sign_in_id" ON "concierge_staff_token" ("sign_in_id") WHERE deleted_at IS NULL;`,
    );
    this.addSql(
      `CREATE INDEX IF NOT EXISTS "IDX_concierge_staff_token_deleted_at" ON "concierge_staff_token" ("deleted_at") WHERE deleted_at IS NULL;`,
    );

    this.addSql(
      `create table if not exists "concierge_totp_use" ("id" text not null, "staff_id" text not null, "code" text not null, "expires_at" timestamptz not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "concierge_totp_use_pkey" primary key ("id"));`,
    );
    this.addSql(
      `CREATE INDEX IF NOT EXISTS "IDX_concierge_totp_use_deleted_at" ON "concierge_totp_use" ("deleted_at") WHERE deleted_at IS NULL;`,
    );
    this.addSql(
      `CREATE UNIQUE INDEX IF NOT EXISTS "IDX_concierge_totp_use_staff_id_code_unique" ON "concierge_totp_use" ("staff_id", "code") WHERE deleted_at IS NULL;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "concierge_audit_event" cascade;`);

    this.addSql(`drop table if exists "concierge_handoff_code" cascade;`);

    this.addSql(`drop table if exists "concierge_session" cascade;`);

    this.addSql(`drop table if exists "concierge_setting" cascade;`);

    this.addSql(`drop table if exists "concierge_staff_token" cascade;`);

    this.addSql(`drop table if exists "concierge_totp_use" cascade;`);
  }
}
