-- State that every shop process sharing this database must agree on (issue: scale out). It lived
-- in each process's memory before, so a second process neither saw nor enforced it.

-- Failed sign-in and step-up attempts by throttle key (auth/failure-log.ts): the times in ms.
CREATE TABLE auth_failures (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key text NOT NULL,
  at_ms bigint NOT NULL
);
CREATE INDEX auth_failures_key ON auth_failures (key, at_ms);
CREATE INDEX auth_failures_at ON auth_failures (at_ms);

-- MFA challenges handed out under guard that can never succeed (auth/decoy-challenges.ts).
CREATE TABLE decoy_challenges (
  token_hash text PRIMARY KEY,
  account text NOT NULL,
  staff_id text,
  expires_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0
);
CREATE INDEX decoy_challenges_expiry ON decoy_challenges (expires_at);

-- Requests per caller and window on rate-limited routes (lib/rate-limit-store.ts).
CREATE TABLE rate_limit_counters (
  key text PRIMARY KEY,
  hits integer NOT NULL,
  window_start_ms bigint NOT NULL,
  window_ms bigint NOT NULL
);
CREATE INDEX rate_limit_counters_end ON rate_limit_counters ((window_start_ms + window_ms));

-- A value a POST hands to the page its redirect shows, sealed with the viewer's own cookie secret,
-- which the database never holds (storefront/shown-once.ts).
CREATE TABLE shown_once (
  key text PRIMARY KEY,
  sealed text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX shown_once_expiry ON shown_once (expires_at);
