-- Writers no longer take audit_head's row lock, which made every write transaction
-- wait for the one before it to commit (intake at a quarter of the disk's rate). A
-- transaction adds its entry here; the sealer (auditseal.go) moves committed entries
-- into audit_log in the order it finds them, chaining each to the one before, in a
-- transaction that deletes them here. An entry waits here for milliseconds, and
-- whatever reads audit_log seals first.
CREATE TABLE audit_pending (
    seq       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL,
    actor_id  BIGINT,
    actor     TEXT NOT NULL DEFAULT '',
    client_ip TEXT NOT NULL DEFAULT '',
    action    TEXT NOT NULL,
    object    TEXT NOT NULL DEFAULT '',
    summary   TEXT NOT NULL DEFAULT ''
);
