-- The view of one status, or of several, across a tree of agencies (a reconsideration body's
-- open cases): the agency joins the index's key, so that a case of another agency is passed
-- over in the index instead of being read from the table first (about ten thousand heap reads
-- per page for a city's tree in a province of a million cases, on PostgreSQL). It replaces the
-- index without the agency: one index to keep up on every write, not two.
CREATE INDEX cases_status_active_due_agency ON cases (active, status, due_sort, id, agency_id);
DROP INDEX cases_status_active_due;
