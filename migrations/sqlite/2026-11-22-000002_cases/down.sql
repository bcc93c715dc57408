DROP TABLE litigations;
DROP TABLE reconsiderations;
DROP TABLE consultations;
DROP TABLE case_events;
DROP TABLE case_sequences;
DROP TABLE case_applicants;
DROP TABLE cases;
