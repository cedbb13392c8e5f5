-- Documents (文书): the wording of each kind is data an administrator adjusts
-- (document_templates, one row per saved version, the newest in force); an issued
-- document is kept whole as it was printed (issued_documents.content) so a reprint is
-- the same page; its number (文号) comes from document_counters, one row per issuing
-- centre, kind and year, raised in the transaction that records the document, so
-- numbers run without gaps or repeats however many clerks issue at once.
CREATE TABLE document_templates (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    title      TEXT NOT NULL,
    prefix     TEXT NOT NULL, -- 机关代字, e.g. {{简称}}综治交
    body       TEXT NOT NULL,
    closing    TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '', -- why it was changed
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (kind, version)
);

CREATE TABLE document_counters (
    issuer_id INTEGER NOT NULL REFERENCES regions(id),
    kind      TEXT NOT NULL,
    year      INTEGER NOT NULL,
    last_seq  INTEGER NOT NULL,
    PRIMARY KEY (issuer_id, kind, year)
);

CREATE TABLE issued_documents (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases(id),
    kind             TEXT NOT NULL,
    issuer_id        INTEGER NOT NULL REFERENCES regions(id),
    year             INTEGER NOT NULL,
    seq              INTEGER NOT NULL, -- 0 for a kind without numbers (卷宗)
    number           TEXT NOT NULL DEFAULT '',
    ref_id           INTEGER NOT NULL DEFAULT 0, -- the supervision order, assignment or visit it prints
    template_version INTEGER NOT NULL,
    content          TEXT NOT NULL, -- the document as rendered (JSON)
    issued_by        INTEGER REFERENCES users(id),
    issued_at        TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX issued_documents_number ON issued_documents(issuer_id, kind, year, seq) WHERE seq > 0;
CREATE INDEX issued_documents_case ON issued_documents(case_id, issued_at);
