-- Background work that must not fall through: leases so one node runs each sweep,
-- deadline flags, supervision orders (督办), the in-app inbox and the outbound outbox.

CREATE TABLE job_leases (
    name   TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until  TIMESTAMP NOT NULL
);

CREATE TABLE job_runs (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    holder      TEXT NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    items       INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_name ON job_runs(name, id);

-- Where a case stands against its deadline, as the last sweep saw it: '', due_soon,
-- overdue. A change of flag is what notifies, so each warning goes out once.
ALTER TABLE cases ADD COLUMN due_flag TEXT NOT NULL DEFAULT '';
-- The highest open supervision level on the case: '', normal, yellow, red.
ALTER TABLE cases ADD COLUMN supervision_level TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_due_flag ON cases(due_flag, due_at);

CREATE TABLE supervisions (
    id                      INTEGER PRIMARY KEY,
    case_id                 INTEGER NOT NULL REFERENCES cases(id),
    level                   TEXT NOT NULL,
    requirement             TEXT NOT NULL,
    reply_by                TIMESTAMP NOT NULL,
    issued_by               INTEGER REFERENCES users(id),
    issued_at               TIMESTAMP NOT NULL,
    centre_id               INTEGER NOT NULL REFERENCES regions(id),
    department_id           INTEGER REFERENCES departments(id),
    status                  TEXT NOT NULL,
    reply                   TEXT NOT NULL DEFAULT '',
    replied_by              INTEGER REFERENCES users(id),
    replied_at              TIMESTAMP,
    escalated_to            INTEGER REFERENCES supervisions(id)
);
CREATE INDEX supervisions_open ON supervisions(status, reply_by);
CREATE INDEX supervisions_case ON supervisions(case_id);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    case_id    INTEGER REFERENCES cases(id),
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP
);
CREATE INDEX notifications_user ON notifications(user_id, id);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    notification_id INTEGER REFERENCES notifications(id),
    channel         TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    delivered_at    TIMESTAMP,
    failed_at       TIMESTAMP,
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox(delivered_at, failed_at, next_attempt_at);
