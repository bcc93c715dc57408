DROP INDEX cases_agency_concluded;
DROP INDEX cases_agency_received;
ALTER TABLE litigations DROP COLUMN updated_at;
ALTER TABLE litigations DROP COLUMN created_by;
ALTER TABLE litigations DROP COLUMN reasons;
ALTER TABLE litigations DROP COLUMN instance;
ALTER TABLE reconsiderations DROP COLUMN updated_at;
ALTER TABLE reconsiderations DROP COLUMN created_by;
ALTER TABLE reconsiderations DROP COLUMN defect;
