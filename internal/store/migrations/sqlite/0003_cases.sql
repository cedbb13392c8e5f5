-- Cases and everything that hangs off them. The case row is a projection of its
-- events: it changes only in the transaction that appends the event that changes it.

CREATE TABLE cases (
    id                INTEGER PRIMARY KEY,
    tracking_code     TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL,
    category_id       INTEGER NOT NULL REFERENCES categories(id),
    category_code     TEXT NOT NULL,
    channel           TEXT NOT NULL,
    region_id         INTEGER NOT NULL REFERENCES regions(id),
    region_path       TEXT NOT NULL,
    grid_id           INTEGER REFERENCES regions(id),
    centre_id         INTEGER NOT NULL REFERENCES regions(id),
    address           TEXT NOT NULL DEFAULT '',
    address_key       TEXT NOT NULL DEFAULT '',
    lat               REAL,
    lng               REAL,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL,
    urgency           TEXT NOT NULL,
    people_count      INTEGER NOT NULL DEFAULT 1,
    amount_fen        INTEGER NOT NULL DEFAULT 0,
    state             TEXT NOT NULL,
    suspended_from    TEXT NOT NULL DEFAULT '',
    at_centre         INTEGER NOT NULL DEFAULT 0,
    outcome           TEXT NOT NULL DEFAULT '',
    satisfaction      TEXT NOT NULL DEFAULT '',
    merged_into       INTEGER REFERENCES cases(id),
    extension_pending INTEGER NOT NULL DEFAULT 0,
    extension_days    INTEGER NOT NULL DEFAULT 0,
    due_stage         TEXT NOT NULL DEFAULT '',
    due_at            TIMESTAMP,
    registered_by     INTEGER REFERENCES users(id),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    accepted_at       TIMESTAMP,
    resolved_at       TIMESTAMP,
    closed_at         TIMESTAMP,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cases_scope ON cases(region_path, id);
CREATE INDEX cases_centre_state ON cases(centre_id, state, id);
CREATE INDEX cases_state_due ON cases(state, due_at);
CREATE INDEX cases_state_path ON cases(state, region_path);
CREATE INDEX cases_extension ON cases(region_path) WHERE extension_pending = TRUE;
CREATE INDEX cases_address ON cases(address_key);

CREATE TABLE case_parties (
    id        INTEGER PRIMARY KEY,
    case_id   INTEGER NOT NULL REFERENCES cases(id),
    seq       INTEGER NOT NULL,
    role      TEXT NOT NULL,
    name      TEXT NOT NULL,
    id_number TEXT NOT NULL DEFAULT '',
    phone     TEXT NOT NULL DEFAULT '',
    address   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_parties_case ON case_parties(case_id);
CREATE INDEX case_parties_id_number ON case_parties(id_number);
CREATE INDEX case_parties_phone ON case_parties(phone);

CREATE TABLE case_events (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    actor_id   INTEGER REFERENCES users(id),
    at         TIMESTAMP NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    payload    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case ON case_events(case_id, id);

CREATE TABLE case_assignments (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    is_lead       INTEGER NOT NULL,
    status        TEXT NOT NULL,
    assigned_at   TIMESTAMP NOT NULL,
    return_by     TIMESTAMP,
    signed_at     TIMESTAMP,
    reported_at   TIMESTAMP,
    report        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_assignments_case ON case_assignments(case_id);
CREATE INDEX case_assignments_department ON case_assignments(department_id, status, case_id);

CREATE TABLE case_attachments (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    uploaded_by  INTEGER REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX case_attachments_case ON case_attachments(case_id);

-- Deadline rules (DESIGN.md §3), editable by an admin; empty kind, category or
-- urgency matches any.
CREATE TABLE deadline_rules (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL DEFAULT '',
    category_code TEXT NOT NULL DEFAULT '',
    urgency       TEXT NOT NULL DEFAULT '',
    stage         TEXT NOT NULL,
    days          INTEGER NOT NULL,
    workdays      INTEGER NOT NULL DEFAULT 0,
    basis         TEXT NOT NULL DEFAULT ''
);

-- The working-day calendar: only the days that are not what their weekday says.
CREATE TABLE calendar_days (
    day  TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT ''
);
