-- The shop's core schema: staff and their credentials, stores, customers and their documents,
-- consent, assisted sessions, the audit log, and settings. PostgreSQL dialect; runs on PGlite too.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE shop_settings (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE stores (
  id text PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  -- Path prefix of the store on the shop origin (`/store/us`); the API reports the full base URL.
  path_prefix text NOT NULL UNIQUE,
  currency char(3) NOT NULL,
  locale text NOT NULL
);

CREATE TABLE staff (
  id text PRIMARY KEY,
  email text NOT NULL UNIQUE CHECK (email = lower(email)),
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('trainee', 'agent', 'supervisor', 'admin')),
  password_hash text NOT NULL,
  totp_secret text NOT NULL,
  -- The last TOTP time step accepted, so a code cannot be replayed within its window.
  totp_last_step bigint NOT NULL DEFAULT 0,
  failed_attempts integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Between password and TOTP: proves the password was right, for a few minutes, a few tries.
CREATE TABLE mfa_challenges (
  token_hash text PRIMARY KEY,
  staff_id text NOT NULL REFERENCES staff(id),
  expires_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  used_at timestamptz
);

-- Refresh tokens rotate on use; presenting a used one revokes its whole family.
CREATE TABLE refresh_tokens (
  token_hash text PRIMARY KEY,
  family_id text NOT NULL,
  staff_id text NOT NULL REFERENCES staff(id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

-- Opaque bearer tokens, stored hashed; short-lived, revoked with their family.
CREATE TABLE access_tokens (
  token_hash text PRIMARY KEY,
  family_id text NOT NULL,
  staff_id text NOT NULL REFERENCES staff(id),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX access_tokens_family ON access_tokens (family_id);

CREATE TABLE step_up_tokens (
  token_hash text PRIMARY KEY,
  staff_id text NOT NULL REFERENCES staff(id),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

CREATE TABLE customers (
  id text PRIMARY KEY,
  number text NOT NULL UNIQUE,
  first_name text NOT NULL,
  last_name text NOT NULL,
  name text NOT NULL,
  email text NOT NULL UNIQUE CHECK (email = lower(email)),
  phone text,
  -- Digits only, so "+1 (555) 010-2233" and "5550102233" find the same customer.
  phone_digits text,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customers_name_trgm ON customers USING gin (lower(name) gin_trgm_ops);
CREATE INDEX customers_name_prefix ON customers (lower(name) text_pattern_ops);
CREATE INDEX customers_last_name_prefix ON customers (lower(last_name) text_pattern_ops);
CREATE INDEX customers_email_prefix ON customers (email text_pattern_ops);
CREATE INDEX customers_phone_prefix ON customers (phone_digits text_pattern_ops);
CREATE INDEX customers_number_prefix ON customers (number text_pattern_ops);

-- A customer has at most one account per store.
CREATE TABLE accounts (
  id text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers(id),
  store_id text NOT NULL REFERENCES stores(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (customer_id, store_id)
);

-- Standing consent: one row per customer; expires_at NULL with granted means "until turned off".
CREATE TABLE consents (
  customer_id text PRIMARY KEY REFERENCES customers(id),
  granted boolean NOT NULL,
  granted_at timestamptz,
  expires_at timestamptz,
  updated_at timestamptz NOT NULL
);

-- One-time codes a customer reads to an agent on the phone: 6 digits, minutes, single use.
CREATE TABLE consent_codes (
  id text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers(id),
  code_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  used_by_session text
);
CREATE INDEX consent_codes_customer ON consent_codes (customer_id, expires_at);

CREATE TABLE products (
  id text PRIMARY KEY,
  sku text NOT NULL UNIQUE,
  slug text NOT NULL UNIQUE,
  name text NOT NULL,
  description text NOT NULL,
  category text NOT NULL,
  -- Prices per store currency: {"USD": 1999, "EUR": 1899}.
  prices jsonb NOT NULL,
  stock integer NOT NULL DEFAULT 100
);

CREATE TABLE assist_sessions (
  id text PRIMARY KEY,
  staff_id text NOT NULL REFERENCES staff(id),
  customer_id text NOT NULL REFERENCES customers(id),
  account_id text NOT NULL REFERENCES accounts(id),
  store_id text NOT NULL REFERENCES stores(id),
  mode text NOT NULL CHECK (mode IN ('view', 'act')),
  reason text NOT NULL,
  ticket text,
  status text NOT NULL CHECK (status IN ('pending', 'active', 'ended')),
  started_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  last_activity_at timestamptz NOT NULL,
  idle_timeout_seconds integer NOT NULL,
  ended_at timestamptz,
  end_reason text,
  end_note text,
  ended_by text,
  consent_basis text NOT NULL CHECK (consent_basis IN ('standing', 'code', 'not_required')),
  -- Hash of the storefront cookie secret, set when the handoff code is redeemed.
  cookie_hash text UNIQUE
);
CREATE INDEX assist_sessions_status ON assist_sessions (status) WHERE status <> 'ended';
CREATE INDEX assist_sessions_customer ON assist_sessions (customer_id, started_at DESC);
CREATE INDEX assist_sessions_staff ON assist_sessions (staff_id, started_at DESC);

CREATE TABLE handoff_codes (
  code_hash text PRIMARY KEY,
  session_id text NOT NULL REFERENCES assist_sessions(id),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

-- Orders, invoices, shipments and credit memos share one table so one index finds any number.
CREATE TABLE documents (
  id text PRIMARY KEY,
  type text NOT NULL CHECK (type IN ('order', 'invoice', 'shipment', 'credit_memo')),
  number text NOT NULL UNIQUE,
  customer_id text NOT NULL REFERENCES customers(id),
  account_id text NOT NULL REFERENCES accounts(id),
  store_id text NOT NULL REFERENCES stores(id),
  order_id text REFERENCES documents(id),
  status text NOT NULL,
  total_cents bigint NOT NULL,
  currency char(3) NOT NULL,
  created_at timestamptz NOT NULL,
  placed_by_staff_id text REFERENCES staff(id),
  assist_session_id text REFERENCES assist_sessions(id),
  -- Order lines, addresses, shipping method, tracking: shape depends on the type.
  data jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX documents_number_prefix ON documents (number text_pattern_ops);
CREATE INDEX documents_customer ON documents (customer_id, type, created_at DESC);
CREATE INDEX documents_order ON documents (order_id) WHERE order_id IS NOT NULL;

-- The audit log: append-only and hash-chained (see shared/audit/chain.ts).
CREATE TABLE audit_events (
  seq bigint PRIMARY KEY,
  id text NOT NULL UNIQUE,
  at timestamptz NOT NULL,
  action text NOT NULL,
  actor_type text NOT NULL CHECK (actor_type IN ('staff', 'customer', 'system')),
  actor_id text,
  actor_name text,
  customer_id text,
  session_id text,
  ip text,
  user_agent text,
  details jsonb NOT NULL,
  prev_hash char(64) NOT NULL,
  hash char(64) NOT NULL UNIQUE
);
CREATE INDEX audit_events_actor ON audit_events (actor_id, seq);
CREATE INDEX audit_events_session ON audit_events (session_id, seq) WHERE session_id IS NOT NULL;
CREATE INDEX audit_events_customer ON audit_events (customer_id, seq) WHERE customer_id IS NOT NULL;

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
