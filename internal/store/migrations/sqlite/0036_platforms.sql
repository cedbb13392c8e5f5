-- 12345 hotline and 信访 platforms (issue 27). A platform is data an administrator
-- configures: its code (the {platform} of the push URL), its kind, the shared secret
-- of the HMAC signatures both ways and the headers that carry them, the poll URL and
-- how often to poll, the push-back URL, and the mapping (adapters.Mapping as JSON).
-- poll_cursor is where the last poll stopped, kept here so whichever node polls next
-- goes on from it.
CREATE TABLE platforms (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    kind              TEXT NOT NULL,
    secret            TEXT NOT NULL,
    signature_header  TEXT NOT NULL,
    timestamp_header  TEXT NOT NULL,
    poll_url          TEXT NOT NULL DEFAULT '',
    poll_seconds      INTEGER NOT NULL DEFAULT 0,
    push_url          TEXT NOT NULL DEFAULT '',
    mapping           TEXT NOT NULL DEFAULT '{}',
    active            BOOLEAN NOT NULL DEFAULT TRUE,
    poll_cursor       TEXT NOT NULL DEFAULT '',
    polled_at         TIMESTAMP,
    poll_error        TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);

-- Every order received, by its platform's id for it: the same order pushed or polled
-- again finds its row and adds nothing. An order whose category or region code the
-- mapping does not know is parked (state parked, problems naming the codes) until the
-- administrator maps them; then it is registered and case_id set, in the case's
-- transaction.
CREATE TABLE platform_orders (
    id            INTEGER PRIMARY KEY,
    platform_id   INTEGER NOT NULL REFERENCES platforms(id),
    external_id   TEXT NOT NULL,
    state         TEXT NOT NULL, -- parked, registered
    case_id       INTEGER REFERENCES cases(id),
    payload       TEXT NOT NULL,
    problems      TEXT NOT NULL DEFAULT '[]',
    received_at   TIMESTAMP NOT NULL,
    registered_at TIMESTAMP,
    UNIQUE (platform_id, external_id)
);
CREATE INDEX platform_orders_parked ON platform_orders(platform_id, state, id);
CREATE UNIQUE INDEX platform_orders_case ON platform_orders(case_id) WHERE case_id IS NOT NULL;
