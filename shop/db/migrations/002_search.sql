-- Customer search (shop/customers/search.ts). Keyset pages walk these indexes in order, so every
-- key the search sorts by ends in the customer id: ties (thousands of "Smith"s) stay index-ordered
-- instead of being sorted at query time. text_pattern_ops serves both `LIKE 'q%'` and `ORDER BY … USING ~<~`.
CREATE INDEX customers_name_key ON customers (lower(name) text_pattern_ops, id);
CREATE INDEX customers_last_name_key ON customers (lower(last_name) text_pattern_ops, id);
CREATE INDEX customers_phone_key ON customers (phone_digits text_pattern_ops, id);
-- Digits typed without the country code ("555 010 2233" for "+1 555 010 2233") match inside the number.
CREATE INDEX customers_phone_trgm ON customers USING gin (phone_digits gin_trgm_ops);
-- The composite keys above replace 001's single-column name, last-name and phone prefix indexes.
DROP INDEX customers_name_prefix;
DROP INDEX customers_last_name_prefix;
DROP INDEX customers_phone_prefix;
