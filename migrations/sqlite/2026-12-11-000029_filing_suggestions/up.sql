-- Deflection: a filing form on which published answers (FAQ, reading room) were suggested
-- while the applicant typed, and whether that form was filed. `token_hash`: SHA-256 of the
-- form's one-time token; `month`: the China-time month the suggestions were first shown.
CREATE TABLE filing_suggestions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    agency_id BIGINT REFERENCES agencies (id),
    month TEXT NOT NULL,
    shown_at TIMESTAMP NOT NULL,
    faq INTEGER NOT NULL CHECK (faq >= 0),
    reading_room INTEGER NOT NULL CHECK (reading_room >= 0),
    filed_at TIMESTAMP
);
CREATE INDEX filing_suggestions_agency ON filing_suggestions (agency_id, month);
