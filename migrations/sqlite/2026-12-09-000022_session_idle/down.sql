ALTER TABLE web_sessions DROP COLUMN last_seen_at;
