-- Signed audit checkpoints (shop/audit/checkpointer.ts): the shop's Ed25519 signature over
-- {seq, hash, at, keyId} of an event (shared/audit/checkpoint.ts). The secret key lives outside
-- the database (shop/audit/signing-key.ts); only public keys are stored here.
CREATE TABLE audit_signing_keys (
  key_id text PRIMARY KEY,
  -- The raw 32-byte Ed25519 public key, base64url.
  public_key text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  -- Set when the shop first starts with a newer key; a retired key stays listed so its checkpoints verify.
  retired_at timestamptz
);

-- A key is never deleted or changed, except to be retired once.
CREATE FUNCTION audit_signing_keys_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD.retired_at IS NULL AND NEW.retired_at IS NOT NULL AND NEW.key_id = OLD.key_id
       AND NEW.public_key = OLD.public_key AND NEW.created_at = OLD.created_at THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_signing_keys keeps every key: % refused (only retiring a key once is allowed)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_signing_keys_no_change BEFORE UPDATE OR DELETE ON audit_signing_keys
  FOR EACH ROW EXECUTE FUNCTION audit_signing_keys_keep();
CREATE TRIGGER audit_signing_keys_no_truncate BEFORE TRUNCATE ON audit_signing_keys
  FOR EACH STATEMENT EXECUTE FUNCTION audit_signing_keys_keep();

-- Append-only like audit_events. `at` is text: the exact ISO string that was signed.
CREATE TABLE audit_checkpoints (
  seq bigint PRIMARY KEY,
  hash text NOT NULL,
  at text NOT NULL,
  key_id text NOT NULL REFERENCES audit_signing_keys (key_id),
  signature text NOT NULL
);

CREATE FUNCTION audit_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_checkpoints is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_append_only();
