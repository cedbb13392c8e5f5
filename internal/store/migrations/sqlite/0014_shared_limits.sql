-- Rate limits and the public challenge's key leave the process for the database, so
-- that nodes behind one proxy count one limit and a restart forgets nothing (issue
-- 20, item 10). See limits.go.

-- One row per limit and subject (an address, a tracking code, an API token): the
-- times of its events still inside the limit's window, in Unix milliseconds, oldest
-- first, comma-separated; at most the limit's count of them. expires_ms is when the
-- last of them leaves the window: from then on the row counts nothing and may go.
CREATE TABLE rate_limits (
    limit_name TEXT NOT NULL,
    subject    TEXT NOT NULL,
    events     TEXT NOT NULL,
    expires_ms INTEGER NOT NULL,
    PRIMARY KEY (limit_name, subject)
);
CREATE INDEX rate_limits_expiry ON rate_limits(expires_ms);

-- Keys every node uses alike, made once by the first that needs one (the public
-- challenge's HMAC key), and kept.
CREATE TABLE shared_keys (
    name       TEXT PRIMARY KEY,
    secret     BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);
