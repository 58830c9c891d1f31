-- Tells every listening shop process that the audit log grew (events/audit-feed.ts), which then
-- reads the new rows itself. Once per statement and with no payload: a transaction's
-- notifications fold into one, a bulk insert costs one, and nothing is ever too long to send.
CREATE FUNCTION audit_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('concierge_audit', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER audit_events_notify AFTER INSERT ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_notify();
