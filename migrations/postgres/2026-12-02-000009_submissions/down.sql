DROP INDEX cases_applicant_name;
DROP TABLE case_submissions;
