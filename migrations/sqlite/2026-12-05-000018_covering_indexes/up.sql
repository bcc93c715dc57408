-- Indexes that answer the statistics and the tree's queue from the index alone.
--
-- The reconsideration statistics' timeliness count reads, for each case an agency concluded in
-- a period, its disposition, received and due dates (store/src/models/stats.rs). Through
-- (agency_id, concluded_on) that was one random row read per decided case: cold, a province's
-- five years took minutes of disk reads. Carrying the columns the count reads, the index holds
-- the whole answer in its own order.
DROP INDEX cases_agency_concluded;
CREATE INDEX cases_agency_concluded ON cases (agency_id, concluded_on, disposition, received_on, due_on);
-- A reconsideration body's queue fixes a set of statuses and a tree of agencies: the count of
-- its view (up to 10,000) reads this index, which now holds the agency too, so no row is read
-- to learn whether it belongs to the tree.
DROP INDEX cases_status_active_due;
CREATE INDEX cases_status_active_due ON cases (active, status, due_sort, id, agency_id);
