-- 重复来访率 is read from the rollups: whether a case is a repeat visit (an applicant
-- or representative of it had another case registered in the 90 days before it, the
-- same person by model.PartyKey's rule: store.repeatPartySQL) is decided when it is
-- registered, in the registration's transaction, and kept on the case; the rollups'
-- intake side counts the repeat visits in `repeated`. The cases there already are
-- decided, and the rollups rebuilt, right after this migration (its name ends in
-- _case_rollups: store.rebuildRollupsOn).
ALTER TABLE cases ADD COLUMN repeat_visit SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE case_rollups ADD COLUMN repeated BIGINT NOT NULL DEFAULT 0;
