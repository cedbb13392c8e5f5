-- The case filter indexes of 0035 carry the case's region path (SQLite: a last column;
-- PostgreSQL: INCLUDE), so that the count of a filter in the user's scope reads the
-- index alone: with the table's row read for each entry to test the scope, counting
-- 10,000 of one kind at 1M cases took 280–900 ms of waiting on the disk, against 3 ms
-- from the index (docs/benchmarks.md, "Case lists at 1M cases").
DROP INDEX cases_kind_registered;
DROP INDEX cases_urgency_registered;
DROP INDEX cases_channel_registered;
DROP INDEX cases_category_registered;
DROP INDEX cases_state_registered;
CREATE INDEX cases_kind_registered ON cases(kind, created_at, id, region_path);
CREATE INDEX cases_urgency_registered ON cases(urgency, created_at, id, region_path);
CREATE INDEX cases_channel_registered ON cases(channel, created_at, id, region_path);
CREATE INDEX cases_category_registered ON cases(category_id, created_at, id, region_path);
CREATE INDEX cases_state_registered ON cases(state, created_at, id, region_path);
