-- Issued letters. Numbers come from a gap-free series (`counters`) per agency, year and kind; a number once
-- issued is never reused (a voided letter keeps its row). The PDF is kept in the database so
-- that every instance can serve it.
CREATE TABLE letters (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    kind TEXT NOT NULL,
    variant TEXT,
    year INTEGER NOT NULL,
    seq BIGINT NOT NULL,
    number TEXT NOT NULL,
    issued_on DATE NOT NULL,
    sha256 TEXT NOT NULL,
    verify_code TEXT NOT NULL UNIQUE,
    pdf BYTEA NOT NULL,
    voided_at TIMESTAMP,
    void_reason TEXT,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (agency_id, year, kind, seq)
);
CREATE INDEX letters_case ON letters (case_id);
