-- A search result lists each customer with their stores and standing consent. Kept on the
-- customer row, so a page of 25 results reads 25 rows rather than 25 rows plus 50 index lookups
-- in accounts and consents (see shop/customers/search.ts). accounts and consents stay the
-- source of truth; the triggers below copy every change, in the writing statement's transaction.
ALTER TABLE customers
  ADD COLUMN store_ids text[] NOT NULL DEFAULT '{}',
  ADD COLUMN consent_granted boolean,
  ADD COLUMN consent_granted_at timestamptz,
  ADD COLUMN consent_expires_at timestamptz;

UPDATE customers c SET store_ids = a.ids
FROM (SELECT customer_id, array_agg(store_id ORDER BY store_id) AS ids FROM accounts GROUP BY customer_id) a
WHERE a.customer_id = c.id;

UPDATE customers c SET consent_granted = k.granted, consent_granted_at = k.granted_at, consent_expires_at = k.expires_at
FROM consents k WHERE k.customer_id = c.id;

-- Statement triggers with transition tables: a set-based seed of 50,000 accounts is one UPDATE,
-- not 50,000. Rows already holding the right value are left alone.
CREATE FUNCTION customers_store_ids_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE customers c SET store_ids = fresh.ids
  FROM (
    SELECT ch.customer_id, ARRAY(SELECT a.store_id FROM accounts a WHERE a.customer_id = ch.customer_id ORDER BY a.store_id) AS ids
    FROM (SELECT DISTINCT customer_id FROM changed_accounts) ch
  ) fresh
  WHERE c.id = fresh.customer_id AND c.store_ids IS DISTINCT FROM fresh.ids;
  RETURN NULL;
END;
$$;

CREATE TRIGGER accounts_store_ids_insert AFTER INSERT ON accounts
  REFERENCING NEW TABLE AS changed_accounts FOR EACH STATEMENT EXECUTE FUNCTION customers_store_ids_sync();
CREATE TRIGGER accounts_store_ids_update_new AFTER UPDATE ON accounts
  REFERENCING NEW TABLE AS changed_accounts FOR EACH STATEMENT EXECUTE FUNCTION customers_store_ids_sync();
CREATE TRIGGER accounts_store_ids_update_old AFTER UPDATE ON accounts
  REFERENCING OLD TABLE AS changed_accounts FOR EACH STATEMENT EXECUTE FUNCTION customers_store_ids_sync();
CREATE TRIGGER accounts_store_ids_delete AFTER DELETE ON accounts
  REFERENCING OLD TABLE AS changed_accounts FOR EACH STATEMENT EXECUTE FUNCTION customers_store_ids_sync();

CREATE FUNCTION customers_consent_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE customers c SET consent_granted = k.granted, consent_granted_at = k.granted_at, consent_expires_at = k.expires_at
  FROM (SELECT DISTINCT customer_id FROM changed_consents) ch
  LEFT JOIN consents k ON k.customer_id = ch.customer_id
  WHERE c.id = ch.customer_id
    AND (c.consent_granted, c.consent_granted_at, c.consent_expires_at) IS DISTINCT FROM (k.granted, k.granted_at, k.expires_at);
  RETURN NULL;
END;
$$;

CREATE TRIGGER consents_summary_insert AFTER INSERT ON consents
  REFERENCING NEW TABLE AS changed_consents FOR EACH STATEMENT EXECUTE FUNCTION customers_consent_sync();
CREATE TRIGGER consents_summary_update AFTER UPDATE ON consents
  REFERENCING NEW TABLE AS changed_consents FOR EACH STATEMENT EXECUTE FUNCTION customers_consent_sync();
CREATE TRIGGER consents_summary_delete AFTER DELETE ON consents
  REFERENCING OLD TABLE AS changed_consents FOR EACH STATEMENT EXECUTE FUNCTION customers_consent_sync();
