-- Four-colour risk warning (四色预警, DESIGN.md §4). The case carries its level as a
-- projection of its events: risk_level is the level in force (computed, raised or
-- lowered by a leader, stepped down after a quiet period), risk_computed the level the
-- rules gave at the last assessment, risk_result the assessment that explains it.
ALTER TABLE cases ADD COLUMN risk_level TEXT NOT NULL DEFAULT 'none';
ALTER TABLE cases ADD COLUMN risk_computed TEXT NOT NULL DEFAULT 'none';
ALTER TABLE cases ADD COLUMN risk_score INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN risk_result TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN risk_since TIMESTAMP;
-- 包案领导: the leader who took a red warning.
ALTER TABLE cases ADD COLUMN risk_holder_id INTEGER REFERENCES users(id);
-- The response a warning requires (red: name the holder; orange: act the same day),
-- due by risk_response_by; NULL when none is waiting.
ALTER TABLE cases ADD COLUMN risk_response_by TIMESTAMP;
ALTER TABLE cases ADD COLUMN risk_responded_at TIMESTAMP;
ALTER TABLE cases ADD COLUMN risk_escalated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN injured INTEGER NOT NULL DEFAULT 0;
-- The board's counts read only this index; its list walks the next one in order.
CREATE INDEX cases_risk ON cases(risk_level, region_path) WHERE risk_level <> 'none';
CREATE INDEX cases_risk_since ON cases(risk_level, risk_since, id) WHERE risk_level <> 'none';
CREATE INDEX cases_risk_response ON cases(risk_response_by) WHERE risk_response_by IS NOT NULL;
-- What the sweep steps down by, kept with the case so it reads only the candidates:
-- since when the case has been quiet (the level set, or the last incident other than
-- a return visit, whichever is later), and the return visits since the level was set.
ALTER TABLE cases ADD COLUMN risk_quiet_since TIMESTAMP;
ALTER TABLE cases ADD COLUMN risk_visits INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cases_risk_quiet ON cases(risk_visits, risk_quiet_since) WHERE risk_level <> 'none';
-- When the warning's last supervision order was issued or answered while none of its
-- orders is open (NULL while one is): a red case is due a new order some days after.
ALTER TABLE cases ADD COLUMN risk_report_at TIMESTAMP;
CREATE INDEX cases_risk_report ON cases(risk_report_at) WHERE risk_report_at IS NOT NULL;

ALTER TABLE case_parties ADD COLUMN severe_mental_illness INTEGER NOT NULL DEFAULT 0;
ALTER TABLE case_parties ADD COLUMN minor INTEGER NOT NULL DEFAULT 0;

-- What happened around a case that the warning counts over its window: police calls
-- (110 警情), visits (来访), failed mediations, skipped-level petitions, injuries, and
-- the return visits (回访/走访) that let a warning step down. Each row comes with the
-- case event that recorded it.
CREATE TABLE case_incidents (
    id       INTEGER PRIMARY KEY,
    case_id  INTEGER NOT NULL REFERENCES cases(id),
    kind     TEXT NOT NULL,
    at       TIMESTAMP NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    note     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_incidents_case ON case_incidents(case_id, at);

-- The warning rules an administrator edits (risk.Rules as JSON); no row: the defaults.
CREATE TABLE risk_rules (
    id         INTEGER PRIMARY KEY,
    rules      TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by INTEGER REFERENCES users(id)
);

-- Why an order was issued: '' for a leader's or the deadline sweep's, 'risk' for a
-- warning's, so the warning sweep keeps a red case under supervision until it clears.
ALTER TABLE supervisions ADD COLUMN source TEXT NOT NULL DEFAULT '';
