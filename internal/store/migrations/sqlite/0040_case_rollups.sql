-- The leader's figures read counts kept per day, leaf region, category, channel,
-- kind, urgency and lead department (docs/statistics.md, "Rollups") instead of
-- counting the cases: side 'in' holds the day's intake (registered that day, not
-- rejected or merged), side 'end' the day's endings (a resolution that stands). Every
-- write that changes a counted attribute updates them in its own transaction
-- (store/rollups.go); `onedoor stats-verify` recounts them from the cases. The store
-- fills them from the cases on its first start after this migration.
CREATE TABLE case_rollups (
    side            TEXT NOT NULL,
    day             TEXT NOT NULL, -- YYYY-MM-DD in China time
    region_path     TEXT NOT NULL,
    category_id     INTEGER NOT NULL,
    channel         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    urgency         TEXT NOT NULL,
    lead_department INTEGER NOT NULL, -- 0: led by no department
    cases           INTEGER NOT NULL,
    resolving       INTEGER NOT NULL,
    on_time         INTEGER NOT NULL,
    visited         INTEGER NOT NULL,
    satisfied       INTEGER NOT NULL,
    reopened        INTEGER NOT NULL,
    local_end       INTEGER NOT NULL,
    grp             INTEGER NOT NULL,
    PRIMARY KEY (side, day, region_path, category_id, channel, kind, urgency, lead_department)
) WITHOUT ROWID;
