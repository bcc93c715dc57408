DROP TABLE litigations;
DROP TABLE reconsiderations;
DROP TABLE consultations;
DROP TABLE case_events;
DROP TABLE counters;
DROP TABLE case_applicants;
DROP TABLE cases;
