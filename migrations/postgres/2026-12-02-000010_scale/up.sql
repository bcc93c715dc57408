-- The queue's order as a column (soonest due first, undated last), so that an index can hand
-- the first page over without reading and sorting every case of the agency: `due_on IS NULL`
-- in an ORDER BY cannot use an index. Stored: PostgreSQL has no virtual generated columns before 18.
ALTER TABLE cases ADD COLUMN due_sort DATE GENERATED ALWAYS AS (COALESCE(due_on, DATE '9999-12-31')) STORED;
-- Whether the case is still active (not closed, withdrawn or abandoned): every default view
-- asks for active cases only, and the indexes that lead with it skip a province's history
-- instead of reading through it.
ALTER TABLE cases ADD COLUMN active BOOLEAN GENERATED ALWAYS AS (status NOT IN ('closed', 'withdrawn', 'abandoned')) STORED;
-- Each view in its order (active cases first, then soonest due, undated last): one agency's
-- cases, all or active only; one agency's cases of one status; the same across the whole tree;
-- a handler's own. The status indexes carry `active` before the status, so that a view of one
-- status says both and reads its cases in order; the others end with the status, so that
-- counting a view of several statuses reads the index alone.
CREATE INDEX cases_agency_active_due ON cases (agency_id, active DESC, due_sort, id, status);
CREATE INDEX cases_agency_status_due ON cases (agency_id, active, status, due_sort, id);
CREATE INDEX cases_active_due ON cases (active DESC, due_sort, id, status, agency_id);
CREATE INDEX cases_status_active_due ON cases (active, status, due_sort, id);
CREATE INDEX cases_assignee_due ON cases (assignee_id, active DESC, due_sort, id, status) WHERE assignee_id IS NOT NULL;
DROP INDEX cases_agency_status;
DROP INDEX cases_assignee_status;

-- The change feed of the similar-case index: one row, in the same transaction, for every
-- change to what the index holds of a case (its text, agency, year, disposition). Each serving
-- instance tails it from the last sequence its index committed, so an import from the command
-- line or a write through another instance reaches every index.
CREATE TABLE index_feed (
    seq BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL,
    at TIMESTAMP NOT NULL
);

-- Leases of background work shared by several instances (the expiry sweeps, the feed's
-- pruning): the holder runs the job; another instance takes the lease only once it expired.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
