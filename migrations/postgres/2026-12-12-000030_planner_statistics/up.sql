-- The tables that grow with every filing are analysed after 0.5 % of their rows changed and
-- vacuumed after 1 % (updated or inserted) instead of PostgreSQL's 10 % and 20 %: at a million
-- cases the defaults wait for 100,000 changes, and meanwhile the planner believes what it
-- counted before and index-only scans fetch a heap page for each row the visibility map does
-- not yet cover. Measured at 10⁶ (docs/performance.md, PostgreSQL at 10⁶): after 70,000
-- online filings into one agency the estimate of its open cases was still 17, and the queue
-- read all 73,895 of them to sort a page of fifty (298 ms) instead of walking its index in
-- order. Autovacuum must be on (PostgreSQL's default; docs/deploy.md).
ALTER TABLE cases SET (autovacuum_analyze_scale_factor = 0.005, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01);
ALTER TABLE case_applicants SET (autovacuum_analyze_scale_factor = 0.005, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01);
ALTER TABLE case_events SET (autovacuum_analyze_scale_factor = 0.005, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01);
ALTER TABLE case_signatures SET (autovacuum_analyze_scale_factor = 0.005, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01);
ALTER TABLE index_feed SET (autovacuum_analyze_scale_factor = 0.005, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_insert_scale_factor = 0.01);

-- Whether a case is active follows from its status, and the planner, multiplying the two
-- selectivities as if independent, took a reconsideration body's view of five open statuses to
-- hold 1,365 cases where it held 26,350, read them all and sorted them for a page of fifty
-- (100 ms) instead of walking `cases_active_due` in order (0.6 ms once it knew). The statistics
-- of the columns together correct that.
CREATE STATISTICS cases_status_active (dependencies, mcv) ON status, active FROM cases;
CREATE STATISTICS cases_agency_status_active (dependencies, mcv) ON agency_id, status, active FROM cases;
-- Analysed now only where there are cases: statistics taken of an empty table say it is empty,
-- and PostgreSQL then plans sequential scans (the foreign-key checks of every insert among
-- them) until the next analysis, which made a first bulk load quadratic.
DO $$ BEGIN IF EXISTS (SELECT 1 FROM cases) THEN ANALYZE cases; END IF; END $$;
