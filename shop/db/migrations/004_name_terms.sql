-- "Contains" search over names without scanning trigram posting lists of a million customers:
-- the distinct first and last names (a few thousand) are searched instead, and each matching
-- name is then an index range of customers. See shop/customers/search.ts.
CREATE TABLE name_terms (
  kind text NOT NULL CHECK (kind IN ('first', 'last')),
  term text NOT NULL,
  PRIMARY KEY (kind, term)
);

INSERT INTO name_terms (kind, term)
SELECT DISTINCT 'first', lower(first_name) FROM customers
UNION
SELECT DISTINCT 'last', lower(last_name) FROM customers;

CREATE INDEX customers_first_name_key ON customers (lower(first_name) text_pattern_ops, id);

-- Kept current by whoever writes customers (seeds, storefront sign-up, profile edits). Names that
-- fall out of use stay listed; they then simply match no customer.
CREATE FUNCTION name_terms_collect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO name_terms (kind, term)
  SELECT DISTINCT 'first', lower(first_name) FROM new_customers
  UNION
  SELECT DISTINCT 'last', lower(last_name) FROM new_customers
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;

CREATE TRIGGER customers_name_terms_insert AFTER INSERT ON customers
  REFERENCING NEW TABLE AS new_customers FOR EACH STATEMENT EXECUTE FUNCTION name_terms_collect();
CREATE TRIGGER customers_name_terms_update AFTER UPDATE ON customers
  REFERENCING NEW TABLE AS new_customers FOR EACH STATEMENT EXECUTE FUNCTION name_terms_collect();
