-- onedoor:compatible-from 0043
-- 研判's people who keep coming back (store.RepeatPeople) join the 90 days' cases with
-- their coming parties. The registration index did not carry a case's region and
-- state, so the planner read the window's cases by scanning the whole of another index
-- that did (cases_category_registered, every case's entry: 790 ms of 1.7 s at 200,000
-- cases under load). It now carries them, and keeps its key: the window is read as a
-- range of it alone, and what read it before reads it the same way.
DROP INDEX cases_registered;
CREATE INDEX cases_registered ON cases(created_at, id) INCLUDE (region_path, state);
