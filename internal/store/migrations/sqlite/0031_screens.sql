-- The hall's big screen (大屏): a screen signs in with no one at it, by a token an
-- administrator issues bound to a region; the screen shows that region's subtree
-- only. The token is kept as its hash, as an API token is.
CREATE TABLE screen_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    region_id    INTEGER NOT NULL REFERENCES regions(id),
    figure       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP,
    last_used_at TIMESTAMP
);

-- A region's outline on the screen's map: one GeoJSON geometry (Polygon or
-- MultiPolygon), checked when the administrator uploads it.
CREATE TABLE region_outlines (
    region_id  INTEGER PRIMARY KEY REFERENCES regions(id),
    geometry   TEXT NOT NULL,
    updated_by INTEGER REFERENCES users(id),
    updated_at TIMESTAMP NOT NULL
);

-- 上报, 下派 and the warnings raised and cleared in a period are read from the
-- events of the period, not from every case: by action and time.
CREATE INDEX case_events_action_at ON case_events(action, at, case_id);

-- The figures are grouped by urgency too (the cut and breakdown by 紧急程度): the
-- covering indexes of a period's intake and endings carry it, so a count still reads
-- the index alone.
DROP INDEX cases_created;
CREATE INDEX cases_created ON cases(created_at, region_path, category_id, channel, kind, state, urgency);
DROP INDEX cases_resolved;
CREATE INDEX cases_resolved ON cases(resolved_at, region_path, category_id, channel, kind, state, outcome,
    satisfaction, reopened, resolved_due_at, centre_id, created_at, urgency) WHERE resolved_at IS NOT NULL;
