-- The demo storefront: customer web sessions, carts, address book, test payment methods,
-- account-deletion requests and the customer's notifications. Orders, invoices, shipments and
-- credit memos are rows in `documents` (001).

-- A signed-in customer in one store. Only the hash of the cookie secret is stored.
CREATE TABLE customer_web_sessions (
  id text PRIMARY KEY,
  secret_hash text NOT NULL UNIQUE,
  customer_id text NOT NULL REFERENCES customers(id),
  account_id text NOT NULL REFERENCES accounts(id),
  store_id text NOT NULL REFERENCES stores(id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX customer_web_sessions_customer ON customer_web_sessions (customer_id);

-- One cart per store account: an assisted session in act mode fills the customer's own cart.
CREATE TABLE cart_items (
  account_id text NOT NULL REFERENCES accounts(id),
  product_id text NOT NULL REFERENCES products(id),
  quantity integer NOT NULL CHECK (quantity > 0 AND quantity <= 99),
  added_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, product_id)
);

CREATE TABLE customer_addresses (
  id text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers(id),
  full_name text NOT NULL,
  line1 text NOT NULL,
  line2 text,
  city text NOT NULL,
  postal_code text NOT NULL,
  country char(2) NOT NULL,
  phone text,
  created_at timestamptz NOT NULL,
  -- Removed addresses stay for the orders that copied them; the address book hides them.
  removed_at timestamptz
);
CREATE INDEX customer_addresses_customer ON customer_addresses (customer_id) WHERE removed_at IS NULL;

-- Test cards only: the demo shop never talks to a payment network.
CREATE TABLE customer_payment_methods (
  id text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers(id),
  label text NOT NULL,
  last4 char(4) NOT NULL,
  created_at timestamptz NOT NULL,
  removed_at timestamptz
);
CREATE INDEX customer_payment_methods_customer ON customer_payment_methods (customer_id) WHERE removed_at IS NULL;

CREATE TABLE account_deletion_requests (
  id text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers(id),
  requested_at timestamptz NOT NULL
);

CREATE TABLE customer_notifications (
  id text PRIMARY KEY,
  customer_id text NOT NULL REFERENCES customers(id),
  kind text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  session_id text,
  created_at timestamptz NOT NULL
);
CREATE INDEX customer_notifications_customer ON customer_notifications (customer_id, created_at DESC);

-- Numbers for documents and customers created on the storefront; far above the seeded ranges.
CREATE SEQUENCE storefront_document_number START 900000001;
CREATE SEQUENCE storefront_customer_number START 1;

-- The customer is told when an assisted session starts (handoff redeemed) and ends, whichever
-- path starts or ends it (agent, supervisor, timeouts), when the shop's notifyCustomer is on.
CREATE FUNCTION storefront_notify_assist_session() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  notify boolean;
  helper text;
BEGIN
  SELECT (value->>'notifyCustomer')::boolean INTO notify FROM shop_settings WHERE id;
  IF notify IS NOT NULL AND NOT notify THEN
    RETURN NEW;
  END IF;
  SELECT name INTO helper FROM staff WHERE id = NEW.staff_id;
  IF NEW.status = 'active' AND (TG_OP = 'INSERT' OR OLD.status = 'pending') THEN
    INSERT INTO customer_notifications (id, customer_id, kind, title, body, session_id, created_at)
    VALUES ('ntf_' || replace(gen_random_uuid()::text, '-', ''), NEW.customer_id, 'assist_started',
            'Assisted session started',
            helper || ' started an assisted session on your account (' || NEW.mode || ' mode). Reason: ' || NEW.reason,
            NEW.id, NEW.started_at);
  ELSIF NEW.status = 'ended' AND TG_OP = 'UPDATE' AND OLD.status = 'active' THEN
    INSERT INTO customer_notifications (id, customer_id, kind, title, body, session_id, created_at)
    VALUES ('ntf_' || replace(gen_random_uuid()::text, '-', ''), NEW.customer_id, 'assist_ended',
            'Assisted session ended',
            'The assisted session by ' || helper || ' has ended.',
            NEW.id, COALESCE(NEW.ended_at, NEW.last_activity_at));
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER assist_sessions_notify_customer AFTER INSERT OR UPDATE OF status ON assist_sessions
  FOR EACH ROW EXECUTE FUNCTION storefront_notify_assist_session();
