-- Who mediates (issue 25): the mediation organisations a centre lists, the talent pool
-- (人才库) of lawyers, mediators, psychologists and specialists with their comings and
-- goings, and the people on a case (包案 team), which is what a person's load counts.

-- 村/镇人民调解委员会, 行业性专业性调委会, 驻中心调解室, 律师调解工作室, 法院诉前调解.
CREATE TABLE mediation_orgs (
    id         INTEGER PRIMARY KEY,
    region_id  INTEGER NOT NULL REFERENCES regions(id),
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,            -- village, township, trade, centre_room, lawyer_studio, court
    categories TEXT NOT NULL DEFAULT '', -- the kinds of dispute it takes: category codes, comma-separated
    phone      TEXT NOT NULL DEFAULT '', -- the organisation's phone, not a person's
    address    TEXT NOT NULL DEFAULT '',
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (region_id, name)
);

-- The talent pool: a person may have an account (user_id) or not (an outside lawyer).
CREATE TABLE talent_people (
    id          INTEGER PRIMARY KEY,
    region_id   INTEGER NOT NULL REFERENCES regions(id), -- where they serve
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,            -- lawyer, mediator_full, mediator_part, psychologist, specialist, legal_aid
    specialties TEXT NOT NULL DEFAULT '', -- category codes, comma-separated
    phone       TEXT NOT NULL DEFAULT '',
    employer    TEXT NOT NULL DEFAULT '', -- 律所, 医院, 单位
    user_id     INTEGER REFERENCES users(id),
    since       TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD: in the pool from (进)
    until       TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD: out after (出); '' open-ended
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX talent_people_region ON talent_people(region_id);

-- An organisation's members: an account or a person of the pool, with their post.
CREATE TABLE mediation_org_members (
    id        INTEGER PRIMARY KEY,
    org_id    INTEGER NOT NULL REFERENCES mediation_orgs(id),
    user_id   INTEGER REFERENCES users(id),
    talent_id INTEGER REFERENCES talent_people(id),
    post      TEXT NOT NULL DEFAULT '', -- 主任, 委员, 调解员
    CHECK ((user_id IS NULL) <> (talent_id IS NULL)),
    UNIQUE (org_id, user_id),
    UNIQUE (org_id, talent_id)
);

-- The people on a case: each a person of the pool, in a role, from when until they leave.
CREATE TABLE case_team (
    id        INTEGER PRIMARY KEY,
    case_id   INTEGER NOT NULL REFERENCES cases(id),
    talent_id INTEGER NOT NULL REFERENCES talent_people(id),
    role      TEXT NOT NULL,  -- mediator, lawyer, psychologist, …
    added_by  INTEGER REFERENCES users(id),
    added_at  TIMESTAMP NOT NULL,
    left_at   TIMESTAMP
);
CREATE INDEX case_team_case ON case_team(case_id);
CREATE INDEX case_team_talent ON case_team(talent_id) WHERE left_at IS NULL;
