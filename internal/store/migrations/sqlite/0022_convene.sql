-- 约访 convenes: a booking invites the departments concerned; each is told, and one
-- of its people confirms (naming who will attend). After the meeting its result is
-- recorded on the booking, and as an event on the case.
CREATE TABLE appointment_invites (
    id             INTEGER PRIMARY KEY,
    appointment_id INTEGER NOT NULL REFERENCES appointments(id),
    department_id  INTEGER NOT NULL REFERENCES departments(id),
    status         TEXT NOT NULL, -- invited, confirmed
    invited_by     INTEGER REFERENCES users(id),
    invited_at     TIMESTAMP NOT NULL,
    confirmed_by   INTEGER REFERENCES users(id),
    confirmed_at   TIMESTAMP,
    attendee       TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX appointment_invites_once ON appointment_invites(appointment_id, department_id);
CREATE INDEX appointment_invites_department ON appointment_invites(department_id, status);

ALTER TABLE appointments ADD COLUMN result TEXT NOT NULL DEFAULT '';
ALTER TABLE appointments ADD COLUMN result_by INTEGER REFERENCES users(id);
ALTER TABLE appointments ADD COLUMN result_at TIMESTAMP;
