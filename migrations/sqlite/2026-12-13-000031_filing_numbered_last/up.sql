-- PostgreSQL's tree has the references of a filing's first rows to its case checked at commit
-- (its migration of the same name), so that a filing can number its case last. SQLite's one
-- writer holds the whole database, so the order shortens no wait there, and its filings keep
-- inserting the case before the rows that reference it (yishen_app's `insert_case`). Kept so
-- that both trees have the same migrations.
SELECT 1;
