-- Follow-up plans (回访计划): "回访每周一次，直至稳定" keeps one dated visit ahead for the
-- case's grid worker; a visit is done when a return visit is recorded on the case,
-- missed when its date passes (the sweep), and either way the next one is set. The
-- plan stands until someone ends it (稳定) or the case is archived.
CREATE TABLE follow_up_plans (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    every_days INTEGER NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL, -- active, ended
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    ended_by   INTEGER REFERENCES users(id),
    ended_at   TIMESTAMP
);
CREATE UNIQUE INDEX follow_up_plans_active ON follow_up_plans(case_id) WHERE status = 'active';

CREATE TABLE follow_up_visits (
    id       INTEGER PRIMARY KEY,
    plan_id  INTEGER NOT NULL REFERENCES follow_up_plans(id),
    case_id  INTEGER NOT NULL REFERENCES cases(id),
    due_at   TIMESTAMP NOT NULL,
    status   TEXT NOT NULL, -- planned, done, missed, cancelled
    done_at  TIMESTAMP,
    done_by  INTEGER REFERENCES users(id)
);
CREATE INDEX follow_up_visits_case ON follow_up_visits(case_id, status, due_at);
CREATE INDEX follow_up_visits_due ON follow_up_visits(status, due_at);
