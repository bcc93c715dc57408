DROP INDEX cases_status_active_due;
CREATE INDEX cases_status_active_due ON cases (active, status, due_sort, id);
DROP INDEX cases_agency_concluded;
CREATE INDEX cases_agency_concluded ON cases (agency_id, concluded_on);
