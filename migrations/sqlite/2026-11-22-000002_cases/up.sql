-- Cases: the snapshot of each application. The history is in case_events; `due_on` and
-- `clock_state` are a cache of the clock function, recomputed in every transaction that
-- appends an event and whenever a calendar year is loaded, so the queue can sort by them.
CREATE TABLE cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    tracking_no TEXT NOT NULL UNIQUE,
    year INTEGER NOT NULL,
    seq BIGINT NOT NULL,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    applicant_user_id INTEGER REFERENCES users (id),
    created_by INTEGER REFERENCES users (id),
    -- Copied from case_applicants for the queue and the statistics, which need no
    -- personal data: the category (table 三 column), the name and the identity's keyed hash.
    applicant_category TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    id_number_hash TEXT NOT NULL,
    content TEXT NOT NULL,
    description TEXT,
    purpose TEXT,
    forms TEXT NOT NULL DEFAULT '[]',
    delivery TEXT,
    received_on DATE,
    due_on DATE,
    clock_state TEXT NOT NULL,
    correction_deadline DATE,
    fee_deadline DATE,
    disposition TEXT,
    concluded_on DATE,
    query_code_hash TEXT NOT NULL,
    external_id TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    event_count BIGINT NOT NULL DEFAULT 0,
    last_event_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (agency_id, year, seq),
    UNIQUE (agency_id, external_id)
);
CREATE INDEX cases_agency_status ON cases (agency_id, status);
CREATE INDEX cases_status_due ON cases (status, due_on);
CREATE INDEX cases_applicant_user ON cases (applicant_user_id) WHERE applicant_user_id IS NOT NULL;
CREATE INDEX cases_id_number_hash ON cases (id_number_hash);
-- Partial: only the few cases with an open window are in these indexes.
CREATE INDEX cases_correction_deadline ON cases (correction_deadline) WHERE correction_deadline IS NOT NULL;
CREATE INDEX cases_fee_deadline ON cases (fee_deadline) WHERE fee_deadline IS NOT NULL;

-- The applicant of each case, apart from the snapshot: personal data is AES-GCM ciphertext
-- with a keyed hash for exact matching (identity clusters, repeat detection).
CREATE TABLE case_applicants (
    case_id INTEGER PRIMARY KEY NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    name TEXT NOT NULL,
    id_type TEXT NOT NULL,
    id_number_enc TEXT NOT NULL,
    id_number_hash TEXT NOT NULL,
    phone_enc TEXT,
    phone_hash TEXT,
    email_enc TEXT,
    email_hash TEXT,
    address_enc TEXT,
    address_hash TEXT
);
CREATE INDEX case_applicants_phone ON case_applicants (phone_hash) WHERE phone_hash IS NOT NULL;
CREATE INDEX case_applicants_email ON case_applicants (email_hash) WHERE email_hash IS NOT NULL;
CREATE INDEX case_applicants_address ON case_applicants (address_hash) WHERE address_hash IS NOT NULL;

-- Gap-free number series (case tracking numbers per agency and year, letter numbers per
-- agency, year and kind), one row per series, advanced inside the transaction that uses the
-- number so that a failed action rolls it back.
CREATE TABLE counters (
    name TEXT PRIMARY KEY NOT NULL,
    last BIGINT NOT NULL
);

-- The event log, hash-chained per case. `recorded_at` is text so the hashed bytes are
-- exactly the stored bytes on every backend.
CREATE TABLE case_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    occurred_on DATE NOT NULL,
    actor_id INTEGER REFERENCES users (id),
    data TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (case_id, seq)
);

CREATE TABLE consultations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    party_kind TEXT NOT NULL,
    party_name TEXT NOT NULL,
    opened_on DATE NOT NULL,
    reply_by DATE NOT NULL,
    closed_on DATE,
    opinion TEXT,
    note TEXT
);
CREATE INDEX consultations_case ON consultations (case_id);

CREATE TABLE reconsiderations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    body_name TEXT NOT NULL,
    filed_on DATE NOT NULL,
    decision TEXT,
    decided_on DATE,
    reasons TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX reconsiderations_case ON reconsiderations (case_id);

CREATE TABLE litigations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    court TEXT NOT NULL,
    via_reconsideration BOOLEAN NOT NULL,
    filed_on DATE NOT NULL,
    outcome TEXT,
    decided_on DATE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX litigations_case ON litigations (case_id);
