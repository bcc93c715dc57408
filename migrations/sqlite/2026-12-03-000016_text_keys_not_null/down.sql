CREATE TABLE case_submissions_old (
    token TEXT PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id)
);
INSERT INTO case_submissions_old (token, case_id) SELECT token, case_id FROM case_submissions;
DROP TABLE case_submissions;
ALTER TABLE case_submissions_old RENAME TO case_submissions;

CREATE TABLE job_leases_old (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
INSERT INTO job_leases_old (name, holder, expires_at) SELECT name, holder, expires_at FROM job_leases;
DROP TABLE job_leases;
ALTER TABLE job_leases_old RENAME TO job_leases;
