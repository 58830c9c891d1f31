import { Migration } from '@medusajs/framework/mikro-orm/migrations';

/**
 * What the generated tables cannot say. The audit log is append-only: no UPDATE, DELETE or
 * TRUNCATE, for any role the application connects as. Appends take a transaction-level advisory
 * lock (routes/audit-append.ts), so seqs follow each other and every event links to the one before.
 */
export class Migration20261207180000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`CREATE OR REPLACE FUNCTION concierge_audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'concierge_audit_event is append-only';
END $$;`);
    this.addSql(`CREATE TRIGGER concierge_audit_append_only BEFORE UPDATE OR DELETE ON concierge_audit_event
  FOR EACH ROW EXECUTE FUNCTION concierge_audit_refuse_change();`);
    this.addSql(`CREATE TRIGGER concierge_audit_no_truncate BEFORE TRUNCATE ON concierge_audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION concierge_audit_refuse_change();`);
    this.addSql(
      `CREATE INDEX IF NOT EXISTS "IDX_concierge_audit_event_actor" ON concierge_audit_event (actor_id, seq);`,
    );
    this.addSql(
      `CREATE INDEX IF NOT EXISTS "IDX_concierge_audit_event_session" ON concierge_audit_event (session_id, seq);`,
    );
    this.addSql(
      `CREATE INDEX IF NOT EXISTS "IDX_concierge_session_cookie" ON concierge_session (cookie_hash) WHERE cookie_hash IS NOT NULL;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('DROP TRIGGER IF EXISTS concierge_audit_no_truncate ON concierge_audit_event;');
    this.addSql('DROP TRIGGER IF EXISTS concierge_audit_append_only ON concierge_audit_event;');
    this.addSql('DROP FUNCTION IF EXISTS concierge_audit_refuse_change();');
  }
}
