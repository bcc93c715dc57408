-- The public reading room (依申请转主动): a reply's released documents published with a
-- description, one entry per case; publishing, editing and withdrawing are recorded as the
-- entry's events.
CREATE TABLE reading_room_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    case_id BIGINT NOT NULL UNIQUE REFERENCES cases (id),
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    topic TEXT NOT NULL,
    year INTEGER NOT NULL,
    published_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP
);
CREATE INDEX reading_room_entries_public ON reading_room_entries (withdrawn_at, agency_id, year);

CREATE TABLE reading_room_documents (
    entry_id BIGINT NOT NULL REFERENCES reading_room_entries (id),
    document_id BIGINT NOT NULL REFERENCES documents (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (entry_id, document_id)
);

CREATE TABLE reading_room_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    entry_id BIGINT NOT NULL REFERENCES reading_room_entries (id),
    kind TEXT NOT NULL CHECK (kind IN ('published', 'edited', 'withdrawn', 'republished')),
    user_id BIGINT NOT NULL REFERENCES users (id),
    at TIMESTAMP NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX reading_room_events_entry ON reading_room_events (entry_id);
