-- How a case is mediated (issue 25): the case team (包案/“1131”) of staff and people of
-- the pool, the mediation sessions (调解记录), the agreements (调解协议书, 人民调解法
-- 第二十八、二十九条) numbered per organisation and year with their signing, performance
-- and judicial confirmation (第三十三条), the referrals to and from the courts and other
-- bodies (诉调/警调/检调/访调对接, legal aid), and the kinds of help a citizen asks for
-- on the portal (点菜式).

-- The team: a member is an account (staff) or a person of the pool, not only the pool.
CREATE TABLE case_team_v2 (
    id        INTEGER PRIMARY KEY,
    case_id   INTEGER NOT NULL REFERENCES cases(id),
    talent_id INTEGER REFERENCES talent_people(id),
    user_id   INTEGER REFERENCES users(id),
    role      TEXT NOT NULL,            -- lead, duty, mediator, lawyer, psychologist, tracking
    note      TEXT NOT NULL DEFAULT '',
    added_by  INTEGER REFERENCES users(id),
    added_at  TIMESTAMP NOT NULL,
    left_at   TIMESTAMP,
    left_by   INTEGER REFERENCES users(id),
    CHECK (talent_id IS NOT NULL OR user_id IS NOT NULL)
);
INSERT INTO case_team_v2 (id, case_id, talent_id, role, added_by, added_at, left_at)
    SELECT id, case_id, talent_id, role, added_by, added_at, left_at FROM case_team;
DROP TABLE case_team;
ALTER TABLE case_team_v2 RENAME TO case_team;
CREATE INDEX case_team_case ON case_team(case_id);
CREATE INDEX case_team_talent ON case_team(talent_id) WHERE left_at IS NULL;
CREATE INDEX case_team_user ON case_team(user_id) WHERE left_at IS NULL;
CREATE UNIQUE INDEX case_team_talent_once ON case_team(case_id, talent_id) WHERE left_at IS NULL;
CREATE UNIQUE INDEX case_team_user_once ON case_team(case_id, user_id) WHERE left_at IS NULL;

-- An organisation's 机关代字 for its agreements' numbers (康调字); '' for the default.
ALTER TABLE mediation_orgs ADD COLUMN number_prefix TEXT NOT NULL DEFAULT '';

CREATE TABLE mediation_sessions (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    org_id      INTEGER REFERENCES mediation_orgs(id),
    held_at     TIMESTAMP NOT NULL,
    venue       TEXT NOT NULL,            -- centre, on_site, circuit_court, video
    place       TEXT NOT NULL DEFAULT '',
    mediators   TEXT NOT NULL,            -- names, 、-separated
    attendees   TEXT NOT NULL DEFAULT '',
    statements  TEXT NOT NULL DEFAULT '[]', -- JSON: [{"side": "申请人", "said": "…"}]
    result      TEXT NOT NULL,            -- agreed, partial, failed, adjourned
    agreed      TEXT NOT NULL DEFAULT '',
    why_not     TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER REFERENCES users(id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX mediation_sessions_case ON mediation_sessions(case_id);

-- The last number an organisation gave an agreement in a year: taken and raised in the
-- transaction that writes the agreement, so numbers have no gaps nor repeats.
CREATE TABLE agreement_numbers (
    org_id INTEGER NOT NULL REFERENCES mediation_orgs(id),
    year   INTEGER NOT NULL,
    last   INTEGER NOT NULL,
    PRIMARY KEY (org_id, year)
);

CREATE TABLE mediation_agreements (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases(id),
    org_id           INTEGER NOT NULL REFERENCES mediation_orgs(id),
    year             INTEGER NOT NULL,
    seq              INTEGER NOT NULL,
    number           TEXT NOT NULL,           -- 康调字〔2026〕第12号
    parties          TEXT NOT NULL DEFAULT '[]', -- JSON: [{"role","name","particulars"}]
    facts            TEXT NOT NULL DEFAULT '',
    items            TEXT NOT NULL DEFAULT '',
    responsibilities TEXT NOT NULL DEFAULT '',
    content          TEXT NOT NULL DEFAULT '',
    perform_way      TEXT NOT NULL DEFAULT '',
    perform_by       TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD
    mediator         TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,            -- draft, signed
    signed_on        TEXT NOT NULL DEFAULT '', -- the day every party and the mediator signed: its effect (第二十九条)
    signed_copy_id   INTEGER REFERENCES case_attachments(id),
    signed_by        INTEGER REFERENCES users(id),
    performed        TEXT NOT NULL DEFAULT '', -- performed, partial, not_performed
    performed_note   TEXT NOT NULL DEFAULT '',
    performed_on     TEXT NOT NULL DEFAULT '',
    perform_reminded BOOLEAN NOT NULL DEFAULT FALSE,
    confirm_status   TEXT NOT NULL DEFAULT '', -- applied, confirmed, rejected, waived
    confirm_court    TEXT NOT NULL DEFAULT '',
    confirm_applied_on TEXT NOT NULL DEFAULT '',
    confirm_case_no  TEXT NOT NULL DEFAULT '',
    confirm_ruling_on TEXT NOT NULL DEFAULT '',
    confirm_note     TEXT NOT NULL DEFAULT '',
    created_by       INTEGER REFERENCES users(id),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    UNIQUE (org_id, year, seq)
);
CREATE INDEX mediation_agreements_case ON mediation_agreements(case_id);
CREATE INDEX mediation_agreements_term ON mediation_agreements(perform_by) WHERE status = 'signed' AND performed = '' AND perform_reminded = FALSE;

CREATE TABLE case_referrals (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    direction   TEXT NOT NULL,            -- in, out
    kind        TEXT NOT NULL,            -- entrusted, online_filing, pre_litigation, circuit_trial, transfer, legal_aid
    partner     TEXT NOT NULL,            -- court, police, procuratorate, petition, legal_aid, other
    body        TEXT NOT NULL,            -- the court's or office's name
    external_no TEXT NOT NULL DEFAULT '', -- its case number (案号)
    time_limit  TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD: by when (委派/委托调解)
    session_at  TIMESTAMP,                -- 巡回审判: when the court sits
    linked_case_id INTEGER REFERENCES cases(id), -- legal aid: its own case
    note        TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,            -- open, closed
    result      TEXT NOT NULL DEFAULT '',
    result_note TEXT NOT NULL DEFAULT '',
    result_on   TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    closed_by   INTEGER REFERENCES users(id)
);
CREATE INDEX case_referrals_case ON case_referrals(case_id);

CREATE TABLE help_requests (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    kind       TEXT NOT NULL,            -- lawyer, mediator, psychologist, legal_aid, specialist
    note       TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL,            -- portal, desk
    created_at TIMESTAMP NOT NULL,
    met_at     TIMESTAMP,
    met_by     INTEGER REFERENCES case_team(id)
);
CREATE INDEX help_requests_case ON help_requests(case_id);
