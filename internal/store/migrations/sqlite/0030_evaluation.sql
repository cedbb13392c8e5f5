-- 考评 (evaluation). The figures it scores read supervision orders by when they were
-- issued, and departments' parts by when they were finished or fell due.
CREATE INDEX supervisions_issued ON supervisions(issued_at);
CREATE INDEX case_assignments_reported ON case_assignments(department_id, status, reported_at);
CREATE INDEX case_assignments_part_due ON case_assignments(department_id, status, due_at);

-- An evaluation scheme (考评方案) an administrator edited, as JSON (internal/evaluation
-- validates it); a shipped scheme no row overrides is in force as shipped.
CREATE TABLE evaluation_schemes (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    body       TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by INTEGER REFERENCES users(id)
);

-- A published (定稿) ranking: the scores as they were computed when a leader
-- published them, frozen, so later edits to cases or to the scheme change nothing.
CREATE TABLE evaluation_results (
    id           INTEGER PRIMARY KEY,
    scheme_code  TEXT NOT NULL,
    unit         TEXT NOT NULL,      -- month, quarter, year
    period_from  TEXT NOT NULL,      -- YYYY-MM-DD, China time
    region_id    INTEGER NOT NULL REFERENCES regions(id),
    body         TEXT NOT NULL,      -- the ranking as JSON
    published_by INTEGER NOT NULL REFERENCES users(id),
    published_at TIMESTAMP NOT NULL,
    UNIQUE (scheme_code, unit, period_from, region_id)
);
