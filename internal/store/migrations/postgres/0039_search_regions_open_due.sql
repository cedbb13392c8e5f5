-- A case's search row now begins with the index terms of its region and the regions
-- above it (store.regionTerms), so that a search within a scope is narrowed by the
-- index itself: the rows written before are rebuilt by `onedoor reindex`, which the
-- server runs at start while this row is here.
INSERT INTO search_reindex (pending) VALUES (1) ON CONFLICT DO NOTHING;

-- The overdue list (open, deadline passed) and its combinations: the open cases by
-- deadline, carrying the lists' order and every filter's column, so that counting
-- them in a scope reads this index alone (an index-only scan). The state list is
-- store.openStates, so that the planner sees the listing's condition implies the
-- index's.
CREATE INDEX cases_open_due ON cases(due_at) INCLUDE (created_at, id, region_path, kind, urgency, channel, category_id, state)
	WHERE state IN ('registered','accepted','assigned','in_progress','suspended','resolved','verified','followed_up');
