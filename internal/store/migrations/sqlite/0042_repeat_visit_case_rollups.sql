-- Two more of the leader's figures are read from the rollups (docs/statistics.md,
-- "Rollups"):
-- 重复来访率: whether a case is a repeat visit (an applicant or representative of it
-- had another case registered in the 90 days before it, the same person by
-- model.PartyKey's rule: store.repeatPartySQL) is decided when it is registered, in
-- the registration's transaction, and kept on the case (repeat_visit); the intake
-- side counts the repeat visits in `repeated`.
-- The handling times: an ending's row is keyed by the calendar days elapsed from its
-- day of registration too, from which the reader counts the working days by the
-- calendar in force (a change of the calendar changes no row).
-- The cases there already are decided, and the rollups rebuilt, right after this
-- migration (its name ends in _case_rollups: store.rebuildRollupsOn).
DROP TABLE case_rollups;
ALTER TABLE cases ADD COLUMN repeat_visit INTEGER NOT NULL DEFAULT 0;
CREATE TABLE case_rollups (
    side            TEXT NOT NULL,
    day             TEXT NOT NULL, -- YYYY-MM-DD in China time
    region_path     TEXT NOT NULL,
    category_id     INTEGER NOT NULL,
    channel         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    urgency         TEXT NOT NULL,
    lead_department INTEGER NOT NULL, -- 0: led by no department
    elapsed         INTEGER NOT NULL, -- side 'end': calendar days from registration; 'in': 0
    cases           INTEGER NOT NULL,
    resolving       INTEGER NOT NULL,
    on_time         INTEGER NOT NULL,
    visited         INTEGER NOT NULL,
    satisfied       INTEGER NOT NULL,
    reopened        INTEGER NOT NULL,
    local_end       INTEGER NOT NULL,
    grp             INTEGER NOT NULL,
    repeated        INTEGER NOT NULL,
    PRIMARY KEY (side, day, region_path, category_id, channel, kind, urgency, lead_department, elapsed)
) WITHOUT ROWID;
