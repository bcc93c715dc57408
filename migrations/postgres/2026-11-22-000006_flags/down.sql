DROP TABLE case_flags;
