-- Screening flags (CONTRACT.md flag kinds): evidence gathered at intake, one row per case and
-- kind, refreshed when the cluster's history changes; only a person confirms or dismisses.
CREATE TABLE case_flags (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    summary TEXT NOT NULL,
    -- JSON: counts, windows, linked case ids, cue words; never personal data.
    evidence TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    decision_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (case_id, kind)
);
CREATE INDEX case_flags_open ON case_flags (status, kind);
