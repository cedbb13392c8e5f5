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
ALTER TABLE cases ADD COLUMN repeat_visit SMALLINT NOT NULL DEFAULT 0;
CREATE TABLE case_rollups (
    side            TEXT NOT NULL,
    day             TEXT NOT NULL, -- YYYY-MM-DD in China time
    region_path     TEXT COLLATE "C" NOT NULL,
    category_id     BIGINT NOT NULL,
    channel         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    urgency         TEXT NOT NULL,
    lead_department BIGINT NOT NULL, -- 0: led by no department
    elapsed         BIGINT NOT NULL, -- side 'end': calendar days from registration; 'in': 0
    cases           BIGINT NOT NULL,
    resolving       BIGINT NOT NULL,
    on_time         BIGINT NOT NULL,
    visited         BIGINT NOT NULL,
    satisfied       BIGINT NOT NULL,
    reopened        BIGINT NOT NULL,
    local_end       BIGINT NOT NULL,
    grp             BIGINT NOT NULL,
    repeated        BIGINT NOT NULL,
    PRIMARY KEY (side, day, region_path, category_id, channel, kind, urgency, lead_department, elapsed)
);
