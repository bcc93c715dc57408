-- Counters that limit guessing and flooding, shared by every instance: failed logins per
-- account and per client address, and registrations and filings per address. `key` says
-- what is counted (`login_account:NAME`, `login_address:IP`, `registration:IP`, `filing:IP`).
CREATE TABLE throttles (
    key TEXT PRIMARY KEY NOT NULL,
    count BIGINT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    last_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);

-- What happened to an account that its administrator should see (a login lock).
CREATE TABLE account_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('login_locked')),
    detail TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX account_events_user ON account_events (user_id, at);
