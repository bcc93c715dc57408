-- Agencies form a tree; `path` is the chain of codes from the root ("/ZJ/ZJ-HZ/"), so a
-- subtree is one indexed prefix match.
CREATE TABLE agencies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES agencies (id),
    path TEXT NOT NULL UNIQUE,
    reconsideration_body_name TEXT,
    court_name TEXT,
    letter_prefix TEXT,
    settings TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX agencies_parent ON agencies (parent_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    agency_id INTEGER REFERENCES agencies (id),
    display_name TEXT NOT NULL,
    -- Personal data: encrypted at rest, with a keyed hash for exact matching.
    phone_enc TEXT,
    phone_hash TEXT,
    email TEXT,
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX users_agency ON users (agency_id);
CREATE INDEX users_phone_hash ON users (phone_hash);

CREATE TABLE refresh_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id),
    family TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    revoked_reason TEXT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY NOT NULL,
    notice TEXT NOT NULL,
    notice_number TEXT,
    data TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_by INTEGER REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);
