-- Import of historical 台账 (issue 27). A source is an office whose ledgers read
-- alike; its mapping (columns → fields, words → codes, importer.Mapping as JSON) is
-- saved and edited with it. A run is one file imported from it: its SHA-256, how far
-- it got (position counts the file's cases handled, committed batch by batch, so a
-- killed run resumes there) and what it added. import_rows holds the source's key of
-- every row imported, written in the transaction of its case: the same row imported
-- again adds nothing.
CREATE TABLE import_sources (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    mapping    TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE import_runs (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES import_sources(id),
    file_name   TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    state       TEXT NOT NULL, -- running, done, failed
    total       INTEGER NOT NULL DEFAULT 0, -- the file's cases (rows that start one)
    position    INTEGER NOT NULL DEFAULT 0, -- cases handled, in the file's order
    added       INTEGER NOT NULL DEFAULT 0,
    existing    INTEGER NOT NULL DEFAULT 0, -- imported before, by this run or another
    refused     INTEGER NOT NULL DEFAULT 0, -- cases with issues, left out
    error       TEXT NOT NULL DEFAULT '',
    started_by  INTEGER REFERENCES users(id),
    started_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX import_runs_source ON import_runs(source_id, file_sha256);

CREATE TABLE import_rows (
    source_id INTEGER NOT NULL REFERENCES import_sources(id),
    row_key   TEXT NOT NULL,
    case_id   INTEGER NOT NULL REFERENCES cases(id),
    run_id    INTEGER NOT NULL REFERENCES import_runs(id),
    PRIMARY KEY (source_id, row_key)
) WITHOUT ROWID;

-- The ledgers uploaded on the admin pages, kept by their hash until imported, so the
-- mapping, the dry run and the import (or its resumption after a restart, on any
-- node) read the same bytes.
CREATE TABLE import_files (
    sha256      TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    data        BLOB NOT NULL,
    uploaded_by INTEGER REFERENCES users(id),
    uploaded_at TIMESTAMP NOT NULL
);
