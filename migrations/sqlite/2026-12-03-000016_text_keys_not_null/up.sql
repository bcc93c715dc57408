-- SQLite lets a TEXT PRIMARY KEY hold NULL (a legacy quirk it keeps for compatibility) unless
-- the column also says NOT NULL; an INTEGER PRIMARY KEY is the rowid and never NULL. The two
-- tables keyed by text are rebuilt with NOT NULL so that the database says what schema.rs
-- says (PostgreSQL's primary keys are NOT NULL already). `.ci/schema_check.py` compares them.
CREATE TABLE case_submissions_new (
    token TEXT NOT NULL PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id)
);
INSERT INTO case_submissions_new (token, case_id)
    SELECT token, case_id FROM case_submissions WHERE token IS NOT NULL;
DROP TABLE case_submissions;
ALTER TABLE case_submissions_new RENAME TO case_submissions;

CREATE TABLE job_leases_new (
    name TEXT NOT NULL PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
INSERT INTO job_leases_new (name, holder, expires_at)
    SELECT name, holder, expires_at FROM job_leases WHERE name IS NOT NULL;
DROP TABLE job_leases;
ALTER TABLE job_leases_new RENAME TO job_leases;
