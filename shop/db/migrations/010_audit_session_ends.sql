-- An agent's audit log shows how each of their sessions ended, whoever ended it (a supervisor, the
-- customer, the idle sweeper): shop/audit/read-scope.ts. session.end names the session's agent in
-- details.staffId (assist/end.ts); this index walks one agent's ends in seq order from a cursor.
CREATE INDEX audit_events_session_end ON audit_events ((details ->> 'staffId'), seq) WHERE action = 'session.end';
