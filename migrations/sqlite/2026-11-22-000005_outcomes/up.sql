-- Outcomes gain what the statistics need: the defect a reconsideration corrected, the
-- instance and reasons of a suit, who recorded each and when it last changed.
ALTER TABLE reconsiderations ADD COLUMN defect TEXT;
ALTER TABLE reconsiderations ADD COLUMN created_by INTEGER REFERENCES users (id);
ALTER TABLE reconsiderations ADD COLUMN updated_at TIMESTAMP;
ALTER TABLE litigations ADD COLUMN instance TEXT NOT NULL DEFAULT 'first';
ALTER TABLE litigations ADD COLUMN reasons TEXT;
ALTER TABLE litigations ADD COLUMN created_by INTEGER REFERENCES users (id);
ALTER TABLE litigations ADD COLUMN updated_at TIMESTAMP;

-- The annual report reads cases by agency and receipt or conclusion date.
CREATE INDEX cases_agency_received ON cases (agency_id, received_on);
CREATE INDEX cases_agency_concluded ON cases (agency_id, concluded_on);
