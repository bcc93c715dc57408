-- PostgreSQL's tree adds the case id to the indexes of the keyed hashes that screening follows
-- newest first (its migration of the same name). SQLite's indexes already end in the rowid,
-- which is the case id in `cases` and in `case_applicants`, so they are read in that order as
-- they are. Kept so that both trees have the same migrations.
SELECT 1;
