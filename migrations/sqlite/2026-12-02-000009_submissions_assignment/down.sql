DROP INDEX cases_assignee_status;
ALTER TABLE cases DROP COLUMN assignee_id;
DROP INDEX cases_applicant_name;
DROP TABLE case_submissions;
