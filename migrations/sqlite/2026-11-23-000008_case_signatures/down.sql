DROP TABLE case_signatures;
