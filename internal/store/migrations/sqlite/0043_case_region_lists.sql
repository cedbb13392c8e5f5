-- onedoor:compatible-from 0042
-- A subtree's list (a village's, a grid's, a township clerk's combination) is read
-- and counted from this index alone: its cases by region, in the lists' order within
-- a region, carrying every filter's column (the deadline too, for the overdue list).
-- Through cases_scope (region_path, id) each of a village's 37,000 cases was a row
-- read of the table to test its kind and urgency (village + kind + urgency: 1.8 s at
-- 450k cases).
CREATE INDEX cases_region_registered ON cases(region_path, created_at, id, kind, urgency, channel, category_id, state, due_at);
