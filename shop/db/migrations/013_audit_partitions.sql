-- The audit log, partitioned by seq range (shop/README.md, "Audit partitions"), so that appending
-- and reading a page touch one or two partitions' indexes however long the log grows. This
-- converts the table of migration 001: the rows move into the new table within this migration's
-- transaction, then the old table goes.
ALTER TABLE audit_events RENAME TO audit_events_unpartitioned;

CREATE TABLE audit_events (
  seq bigint NOT NULL,
  id text NOT NULL,
  at timestamptz NOT NULL,
  action text NOT NULL,
  actor_type text NOT NULL CONSTRAINT audit_events_actor_type CHECK (actor_type IN ('staff', 'customer', 'system')),
  actor_id text,
  actor_name text,
  customer_id text,
  session_id text,
  ip text,
  user_agent text,
  details jsonb NOT NULL,
  prev_hash char(64) NOT NULL,
  hash char(64) NOT NULL
) PARTITION BY RANGE (seq);

-- The partitioning setting: each new partition holds range_size seqs. Changing it changes only the
-- partitions made afterwards. newest_from and made_upto (exclusive) bound the newest partition;
-- before the first event there is none (both 1).
CREATE TABLE audit_partitioning (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  range_size bigint NOT NULL CHECK (range_size >= 1),
  newest_from bigint NOT NULL,
  made_upto bigint NOT NULL CHECK (made_upto >= newest_from)
);
INSERT INTO audit_partitioning (range_size, newest_from, made_upto) VALUES (1000000, 1, 1);

-- Makes partitions until seq `upto` has one and a newer, empty one exists, so the next append never
-- meets a missing partition. appendAudit calls it under AUDIT_LOCK when its seq reaches the newest
-- partition (once per range_size events), in the appending transaction: a rollback unmakes it.
-- A partition is made apart and then attached, which locks the parent only SHARE UPDATE EXCLUSIVE
-- (CREATE TABLE … PARTITION OF would block every reader until the append commits).
CREATE FUNCTION audit_events_make_room(upto bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  p audit_partitioning%ROWTYPE;
  part text;
BEGIN
  SELECT * INTO STRICT p FROM audit_partitioning FOR UPDATE;
  WHILE p.newest_from <= upto LOOP
    part := 'audit_events_p' || p.made_upto;
    EXECUTE format('CREATE TABLE %I (LIKE audit_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
    EXECUTE format('ALTER TABLE audit_events ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)',
      part, p.made_upto, p.made_upto + p.range_size);
    -- Unique within the partition; across partitions see the note at the end of this file.
    EXECUTE format('CREATE UNIQUE INDEX %I ON %I (id)', part || '_id', part);
    EXECUTE format('CREATE UNIQUE INDEX %I ON %I (hash)', part || '_hash', part);
    -- Row triggers are cloned from the parent; a TRUNCATE of the partition itself fires only its own.
    EXECUTE format('CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()', part);
    p.newest_from := p.made_upto;
    p.made_upto := p.made_upto + p.range_size;
  END LOOP;
  UPDATE audit_partitioning SET newest_from = p.newest_from, made_upto = p.made_upto;
END;
$$;

SELECT audit_events_make_room((SELECT coalesce(max(seq), 0) FROM audit_events_unpartitioned));

INSERT INTO audit_events (seq, id, at, action, actor_type, actor_id, actor_name, customer_id, session_id, ip,
    user_agent, details, prev_hash, hash)
  SELECT seq, id, at, action, actor_type, actor_id, actor_name, customer_id, session_id, ip, user_agent, details,
    prev_hash, hash
  FROM audit_events_unpartitioned ORDER BY seq;

-- Dropped rather than deleted from (its triggers refuse that); its indexes' names are reused below.
DROP TABLE audit_events_unpartitioned;

-- Indexes on the parent are made on every partition, present and future (migrations 001 and 010).
ALTER TABLE audit_events ADD CONSTRAINT audit_events_pkey PRIMARY KEY (seq);
CREATE INDEX audit_events_actor ON audit_events (actor_id, seq);
CREATE INDEX audit_events_session ON audit_events (session_id, seq) WHERE session_id IS NOT NULL;
CREATE INDEX audit_events_customer ON audit_events (customer_id, seq) WHERE customer_id IS NOT NULL;
CREATE INDEX audit_events_session_end ON audit_events ((details ->> 'staffId'), seq) WHERE action = 'session.end';
-- GET /audit/search (audit/search.ts) walks one action at a time, newest first, for everyone or one
-- staff member (partial: the walk's `actor_type = 'staff'` is then the index's, not read from the rows).
CREATE INDEX audit_events_action ON audit_events (action, seq);
CREATE INDEX audit_events_staff_action ON audit_events (actor_id, action, seq) WHERE actor_type = 'staff';

-- Append-only as in migration 001: the row trigger is cloned onto every partition, present and
-- future; the TRUNCATE trigger is the parent's, and each partition gets its own (above).
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- A signed checkpoint names an event that exists. This also keeps a partition from going quietly:
-- DROP TABLE of a partition is refused (the key depends on it) and DETACH PARTITION of one holding a
-- checkpointed event too. What it cannot stop (the table owner's DDL: DROP … CASCADE, disabling
-- triggers) is caught by readers through the chain and the checkpoints (docs/ARCHITECTURE.md).
ALTER TABLE audit_checkpoints ADD CONSTRAINT audit_checkpoints_event FOREIGN KEY (seq) REFERENCES audit_events (seq);

-- Uniqueness of id and hash. PostgreSQL allows a unique index on a partitioned table only if it
-- holds the partition key, so each partition has its own (above). Across partitions: hash covers
-- the event's seq, unique by the primary key, so two equal hashes would be a SHA-256 collision; id
-- is newId's 96 random bits (shop/lib/ids.ts), a collision within 10^9 events about 10^-11 likely.

ANALYZE audit_events;
