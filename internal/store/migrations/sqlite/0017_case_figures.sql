-- What the leader's figures (internal/report) read from a case beyond what it had:
-- resolved_due_at, the handling deadline in force when the case was resolved (the
-- deadline moves on to the return visit at that moment, so 按期办结 could not be told
-- afterwards); and reopened, how often the party's 不满意 sent it back (重新办理).
-- Cases resolved before this migration keep no deadline: they count as ended on time,
-- having no deadline recorded to miss.
ALTER TABLE cases ADD COLUMN resolved_due_at TIMESTAMP;
ALTER TABLE cases ADD COLUMN reopened INTEGER NOT NULL DEFAULT 0;
UPDATE cases SET reopened = (SELECT COUNT(*) FROM case_events e
    WHERE e.case_id = cases.id AND e.payload LIKE '%"reopened":true%')
WHERE state NOT IN ('registered', 'accepted', 'rejected', 'merged');

-- A period's intake is read by registration time, its endings by resolution time:
-- each figure reads only the cases of its period, not the whole table.
CREATE INDEX cases_created ON cases(created_at);
CREATE INDEX cases_resolved ON cases(resolved_at) WHERE resolved_at IS NOT NULL;
