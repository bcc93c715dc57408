-- PostgreSQL's autovacuum settings and extended statistics (its tree's migration of the same
-- name). SQLite has neither: its statistics are refreshed by `PRAGMA optimize` at start and in
-- the periodic jobs (yishen_store::optimize). Kept so that both trees have the same migrations.
SELECT 1;
