-- The figures read a period's intake and endings grouped by region, category,
-- channel and kind: with those columns (and the ones the figures test) in the index,
-- a count reads the index alone, not each case's row with its description (at 100k
-- cases a month's figures cost 60–120 ms a pass reading the rows).
DROP INDEX cases_created;
CREATE INDEX cases_created ON cases(created_at, region_path, category_id, channel, kind, state);
DROP INDEX cases_resolved;
CREATE INDEX cases_resolved ON cases(resolved_at, region_path, category_id, channel, kind, state, outcome,
    satisfaction, reopened, resolved_due_at, centre_id, created_at) WHERE resolved_at IS NOT NULL;
