-- Forgiving customer search (shop/customers/search.ts): accents and case do not matter ("Jané",
-- "jose" for José), "Smith, Jane" finds Jane Smith, and a run of digits finds the customer or
-- document number ending in it.
--
-- Self-contained folding rather than the unaccent extension: IMMUTABLE, so it can define stored
-- columns, and identical on PGlite and PostgreSQL whichever contrib modules a server has.
-- Marks are stripped before lower(), which under a C ctype folds ASCII only.
CREATE FUNCTION search_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT replace(replace(replace(translate(
    lower(regexp_replace(normalize($1, NFD), '[\u0300-\u036f]', '', 'g')),
    'øłđħıŀþ', 'oldhilt'), 'ß', 'ss'), 'æ', 'ae'), 'œ', 'oe')
$$;

-- Written by the database whoever writes the customer (seeds, sign-up, profile edits).
-- search_reversed ("smith jane") serves "last first" queries and last-name prefixes alike.
ALTER TABLE customers
  ADD COLUMN search_name text GENERATED ALWAYS AS (search_fold(name)) STORED,
  ADD COLUMN search_first text GENERATED ALWAYS AS (search_fold(first_name)) STORED,
  ADD COLUMN search_last text GENERATED ALWAYS AS (search_fold(last_name)) STORED,
  ADD COLUMN search_reversed text GENERATED ALWAYS AS (search_fold(last_name || ' ' || first_name)) STORED;

-- 002's and 004's keys, now on the folded names (same names, so plans and tests read alike).
DROP INDEX customers_name_key;
DROP INDEX customers_last_name_key;
DROP INDEX customers_first_name_key;
DROP INDEX customers_name_trgm;
CREATE INDEX customers_name_key ON customers (search_name text_pattern_ops, id);
CREATE INDEX customers_last_name_key ON customers (search_last text_pattern_ops, id);
CREATE INDEX customers_first_name_key ON customers (search_first text_pattern_ops, id);
CREATE INDEX customers_reversed_name_key ON customers (search_reversed text_pattern_ops, id);
CREATE INDEX customers_name_trgm ON customers USING gin (search_name gin_trgm_ops);

-- A digit run read out ("00000002", "0000140") matches the end of a number: reversed, a prefix.
CREATE INDEX customers_number_suffix ON customers (reverse(number) text_pattern_ops);
CREATE INDEX documents_number_suffix ON documents (reverse(number) text_pattern_ops);

-- name_terms (004) holds folded names from now on.
DELETE FROM name_terms;
INSERT INTO name_terms (kind, term)
SELECT DISTINCT 'first', search_first FROM customers
UNION
SELECT DISTINCT 'last', search_last FROM customers;

CREATE OR REPLACE FUNCTION name_terms_collect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO name_terms (kind, term)
  SELECT DISTINCT 'first', search_fold(first_name) FROM new_customers
  UNION
  SELECT DISTINCT 'last', search_fold(last_name) FROM new_customers
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END;
$$;
