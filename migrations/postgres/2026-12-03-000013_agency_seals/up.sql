-- An agency's seal image (GB/T 9704-2012 7.3.5.1), pressed on the letters it issues. One per
-- agency; replacing it changes what later letters print, never an issued letter (their
-- PDFs are stored). The PNG is kept as uploaded, after the checks of yishen_letters::Seal.
CREATE TABLE agency_seals (
    agency_id BIGINT PRIMARY KEY NOT NULL REFERENCES agencies (id),
    png BYTEA NOT NULL,
    sha256 TEXT NOT NULL,
    diameter_mm INTEGER NOT NULL CHECK (diameter_mm BETWEEN 20 AND 60),
    uploaded_by BIGINT REFERENCES users (id),
    uploaded_at TIMESTAMP NOT NULL
);
