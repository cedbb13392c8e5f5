-- Linked cases (关联案件): a legal-aid case, an earlier complaint, the case moved to
-- the court. One row links two cases both ways; a pair is linked once at a time,
-- whichever side it was made from (the unique index over the ordered pair). A link
-- taken back keeps its row, with who and when.
CREATE TABLE case_links (
    id         INTEGER PRIMARY KEY,
    from_case  INTEGER NOT NULL REFERENCES cases(id),
    to_case    INTEGER NOT NULL REFERENCES cases(id),
    low_case   INTEGER NOT NULL,
    high_case  INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    removed_by INTEGER REFERENCES users(id),
    removed_at TIMESTAMP,
    CHECK (from_case <> to_case)
);
CREATE UNIQUE INDEX case_links_pair ON case_links(low_case, high_case) WHERE removed_at IS NULL;
CREATE INDEX case_links_high ON case_links(high_case);
