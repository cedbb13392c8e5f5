-- onedoor:compatible-from 0042
-- A subtree's list (a village's, a grid's, a township clerk's combination) is counted
-- from this index alone (an index-only scan): its cases by region, in the lists'
-- order within a region, carrying every filter's column (the deadline too, for the
-- overdue list).
CREATE INDEX cases_region_registered ON cases(region_path, created_at, id) INCLUDE (kind, urgency, channel, category_id, state, due_at);
