-- Appointments (约访): a leader publishes reception sessions (领导接访日) at their centre,
-- divided into slots; a clerk or the citizen books one slot for a case.

CREATE TABLE reception_sessions (
    id           INTEGER PRIMARY KEY,
    leader_id    INTEGER NOT NULL REFERENCES users(id),
    centre_id    INTEGER NOT NULL REFERENCES regions(id),
    starts_at    TIMESTAMP NOT NULL,
    ends_at      TIMESTAMP NOT NULL,
    slot_minutes INTEGER NOT NULL,
    place        TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open', -- open, withdrawn
    created_at   TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP
);
CREATE INDEX reception_sessions_leader ON reception_sessions(leader_id, starts_at);
CREATE INDEX reception_sessions_centre ON reception_sessions(centre_id, starts_at);

CREATE TABLE reception_slots (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES reception_sessions(id),
    starts_at  TIMESTAMP NOT NULL,
    ends_at    TIMESTAMP NOT NULL
);
CREATE INDEX reception_slots_session ON reception_slots(session_id, starts_at);

CREATE TABLE appointments (
    id           INTEGER PRIMARY KEY,
    slot_id      INTEGER NOT NULL REFERENCES reception_slots(id),
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    starts_at    TIMESTAMP NOT NULL, -- the slot's, kept here for "upcoming" without a join
    status       TEXT NOT NULL,      -- booked, cancelled
    booked_by    INTEGER REFERENCES users(id), -- NULL: the citizen, from the public page
    booked_at    TIMESTAMP NOT NULL,
    cancelled_by INTEGER REFERENCES users(id),
    cancelled_at TIMESTAMP,
    cancel_note  TEXT NOT NULL DEFAULT ''
);
-- A slot holds one booking: two concurrent bookings cannot both win.
CREATE UNIQUE INDEX appointments_slot_booked ON appointments(slot_id) WHERE status = 'booked';
CREATE INDEX appointments_case ON appointments(case_id, status, starts_at);
CREATE INDEX appointments_upcoming ON appointments(status, starts_at);
