-- Each verification of the record (`yishen audit verify`, or the server's periodic check):
-- when, how much, and the first break found, shown to the system administrator.
CREATE TABLE audit_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    finished_at TIMESTAMP NOT NULL,
    cases BIGINT NOT NULL,
    events BIGINT NOT NULL,
    broken TEXT
);
