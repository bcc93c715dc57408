-- A web session also ends after a time without use (the idle timeout): when it was last used.
ALTER TABLE web_sessions ADD COLUMN last_seen_at TIMESTAMP;
