-- A step-up token belongs to the sign-in (refresh-token family) that obtained it, and an assisted
-- session records the sign-in that started it, so signing out of one console ends only its own.
-- Rows from before have none: such a step-up token is refused (the agent steps up again), and
-- such a session ends with any sign-out of its agent, as every session did before.
ALTER TABLE step_up_tokens ADD COLUMN family_id text;
ALTER TABLE assist_sessions ADD COLUMN family_id text;
