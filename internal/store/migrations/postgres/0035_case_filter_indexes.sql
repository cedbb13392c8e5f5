-- Every filter of a case list is served by an index (DESIGN.md §9: any filtered list
-- at 1M cases, p95 < 30 ms). Each equality filter gets its cases in the lists' order
-- (登记时间, newest first, ties by id): a page of one kind, urgency, channel, state or
-- category walks its own cases newest first. Each index also carries the case's region
-- path and the other filters' columns, so that a list's total (counted up to 10,000)
-- within the user's scope, of one filter or of several, reads the index alone: testing
-- the scope or a second filter on the table's row for each entry took 280–900 ms to
-- count 10,000 disputes at 1M cases and 2.3 s for urgent disputes, against 3 ms and
-- 30–50 ms from the index (docs/benchmarks.md, "Case lists at 1M cases"). Without the
-- indexes a rare combination (an urgent dispute: 1 case in 12) was counted by scanning
-- the table (460 ms at 1M) and paged by walking every case newest first.
CREATE INDEX cases_kind_registered ON cases(kind, created_at, id) INCLUDE (region_path, urgency, channel, category_id, state);
CREATE INDEX cases_urgency_registered ON cases(urgency, created_at, id) INCLUDE (region_path, kind, channel, category_id, state);
CREATE INDEX cases_channel_registered ON cases(channel, created_at, id) INCLUDE (region_path, kind, urgency, category_id, state);
CREATE INDEX cases_category_registered ON cases(category_id, created_at, id) INCLUDE (region_path, kind, urgency, channel, state);
CREATE INDEX cases_state_registered ON cases(state, created_at, id) INCLUDE (region_path, kind, urgency, channel, category_id);
