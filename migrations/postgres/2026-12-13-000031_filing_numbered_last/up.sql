-- A filing takes its tracking number last. The number comes from the agency's row in
-- `counters`, which stays locked until the filing commits (the series is gap-free), so every
-- other filing at that agency waits for it: at 32 clients the counter's UPDATE waited 7.8 ms
-- on average (docs/performance.md, PostgreSQL at 10⁶, eighth). A filing therefore reserves
-- its case id first (from `cases_id_seq`, with the index feed's row) and writes the rows that
-- need only the id (applicant, signature, the form's submission) before it numbers the case;
-- their references to the case are checked at commit, when the case row exists.
ALTER TABLE case_applicants ALTER CONSTRAINT case_applicants_case_id_fkey
    DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE case_signatures ALTER CONSTRAINT case_signatures_case_id_fkey
    DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE case_submissions ALTER CONSTRAINT case_submissions_case_id_fkey
    DEFERRABLE INITIALLY DEFERRED;
