-- The storefront page an assisted session's agent last opened (its title and path, and when), kept
-- by the storefront with each page view, so the supervisors' live-sessions view shows where the
-- agent is without waiting for an audit sync. Sessions from before have none until their next page.
ALTER TABLE assist_sessions ADD COLUMN current_page text;
ALTER TABLE assist_sessions ADD COLUMN current_page_path text;
ALTER TABLE assist_sessions ADD COLUMN current_page_at timestamptz;
