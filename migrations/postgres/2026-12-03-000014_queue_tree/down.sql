CREATE INDEX cases_status_active_due ON cases (active, status, due_sort, id);
DROP INDEX cases_status_active_due_agency;
