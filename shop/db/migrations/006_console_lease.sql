-- A live assisted session holds a console lease: the agent's console renews it with heartbeats,
-- and a session whose lease has lapsed ends as console_lost (shop/assist/settle.ts), so a
-- console killed without ending its sessions cannot leave them live.
ALTER TABLE assist_sessions ADD COLUMN console_lease_until timestamptz;

-- Sessions live at the upgrade get one lease (the default 60 s) from now; their consoles renew it.
UPDATE assist_sessions
   SET console_lease_until = CASE WHEN status = 'ended' THEN COALESCE(ended_at, started_at) ELSE now() + interval '60 seconds' END;

-- The shop always writes the lease; a row written without one has none left.
ALTER TABLE assist_sessions ALTER COLUMN console_lease_until SET DEFAULT now();
ALTER TABLE assist_sessions ALTER COLUMN console_lease_until SET NOT NULL;
