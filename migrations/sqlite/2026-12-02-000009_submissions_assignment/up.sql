-- The one-time token of each filing form submitted from the web pages, with the case it
-- filed: a reload or a double click submits the same token again and finds the first case
-- instead of filing a second one.
CREATE TABLE case_submissions (
    token TEXT PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id)
);
-- The queue's search by applicant name matches exactly; without an index it would read every
-- case.
CREATE INDEX cases_applicant_name ON cases (applicant_name);
-- The handler responsible for an open case, named by a clerk or the agency admin (the
-- `assigned` event carries the same); the handler's queue opens on it.
ALTER TABLE cases ADD COLUMN assignee_id INTEGER REFERENCES users (id);
CREATE INDEX cases_assignee_status ON cases (assignee_id, status) WHERE assignee_id IS NOT NULL;
