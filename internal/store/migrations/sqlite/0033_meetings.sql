-- 会商研判 and 联席会议 as records: a meeting of a centre (its region) on a day,
-- convened by a leader, with the departments and people who attended, its agenda
-- (cases, and findings of the analysis page with the list of their cases), its
-- minutes, and its decisions, each of which was carried out as an action on its
-- case (the case event it made: event_id).
CREATE TABLE meetings (
    id           INTEGER PRIMARY KEY,
    region_id    INTEGER NOT NULL REFERENCES regions(id),
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    held_on      TEXT NOT NULL,
    convenor_id  INTEGER NOT NULL REFERENCES users(id),
    place        TEXT NOT NULL DEFAULT '',
    attendees    TEXT NOT NULL DEFAULT '',
    minutes      TEXT NOT NULL DEFAULT '',
    created_by   INTEGER NOT NULL REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX meetings_region ON meetings(region_id, held_on);

CREATE TABLE meeting_departments (
    meeting_id    INTEGER NOT NULL REFERENCES meetings(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    PRIMARY KEY (meeting_id, department_id)
);

CREATE TABLE meeting_items (
    id         INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    case_id    INTEGER REFERENCES cases(id),
    finding    TEXT NOT NULL DEFAULT '',
    link       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX meeting_items_meeting ON meeting_items(meeting_id, id);
CREATE INDEX meeting_items_case ON meeting_items(case_id) WHERE case_id IS NOT NULL;

CREATE TABLE meeting_decisions (
    id            INTEGER PRIMARY KEY,
    meeting_id    INTEGER NOT NULL REFERENCES meetings(id),
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    action        TEXT NOT NULL,
    department_id INTEGER REFERENCES departments(id),
    level         TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL,
    event_id      INTEGER NOT NULL REFERENCES case_events(id),
    created_by    INTEGER NOT NULL REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX meeting_decisions_meeting ON meeting_decisions(meeting_id, id);
CREATE INDEX meeting_decisions_case ON meeting_decisions(case_id);
