DROP TABLE case_drafts;
