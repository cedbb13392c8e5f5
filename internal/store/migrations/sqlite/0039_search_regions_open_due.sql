-- A case's search row now begins with the index terms of its region and the regions
-- above it (store.regionTerms), so that a search within a scope is narrowed by the
-- index itself: the rows written before are rebuilt by `onedoor reindex`, which the
-- server runs at start while this row is here.
INSERT OR IGNORE INTO search_reindex (pending) VALUES (1);

-- The overdue list (open, deadline passed) and its combinations: the open cases by
-- deadline, carrying the lists' order and every filter's column, so that counting
-- them in a scope and finding a page of them read this index alone. Through
-- (state, due_at), each entry's row was read from the table (kind + overdue: 784 ms
-- p95 at 1M cases). The state list is store.openStates, word for word, so that the
-- planner sees the listing's condition implies the index's.
CREATE INDEX cases_open_due ON cases(due_at, created_at, id, region_path, kind, urgency, channel, category_id, state)
	WHERE state IN ('registered','accepted','assigned','in_progress','suspended','resolved','verified','followed_up');
