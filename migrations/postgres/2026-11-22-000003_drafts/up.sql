-- The current draft reply of each case, with the findings of its last pre-review. Its history
-- is in case_events (drafted, submitted, reviewed).
CREATE TABLE case_drafts (
    case_id BIGINT PRIMARY KEY NOT NULL REFERENCES cases (id),
    disposition TEXT NOT NULL,
    data TEXT NOT NULL,
    findings TEXT NOT NULL,
    blocking INTEGER NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);
