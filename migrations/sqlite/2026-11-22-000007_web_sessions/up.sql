-- Browser sessions of the web pages: the cookie carries a random id; only its SHA-256 is
-- stored. Logout and expiry revoke the row; the CSRF token belongs to the session.
CREATE TABLE web_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
