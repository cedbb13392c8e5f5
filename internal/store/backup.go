package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// BackupTo writes a consistent copy of a SQLite store to path while it serves:
// VACUUM INTO reads one snapshot (WAL lets the writer go on meanwhile) and writes a
// compact database file. path must not exist. PostgreSQL is backed up by its own
// tools (pg_dump, pg_basebackup: docs/operations.md).
func (s *Store) BackupTo(ctx context.Context, path string) error {
	if s.dialect != SQLite {
		return errors.New("backup: onedoor backup copies a SQLite store; back PostgreSQL up with pg_dump or pg_basebackup (docs/operations.md)")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s exists; name a new file", path)
	}
	_, err := s.w.ExecContext(ctx, "VACUUM INTO ?", path)
	return err
}

// CheckMigrations compares the migrations recorded in the database with those this
// binary carries: the same numbers, without a gap, under the same names.
func (s *Store) CheckMigrations(ctx context.Context) (int, error) {
	ms, err := loadMigrations(s.dialect)
	if err != nil {
		return 0, err
	}
	rows, err := s.query(ctx, "SELECT version, name FROM schema_version ORDER BY version")
	type row struct {
		v    int
		name string
	}
	got, err := scanAll(rows, err, func(r *sql.Rows) (row, error) {
		var x row
		return x, r.Scan(&x.v, &x.name)
	})
	if err != nil {
		return 0, err
	}
	for i, r := range got {
		if r.v != i+1 {
			return i, fmt.Errorf("migrations: version %d recorded where %d was expected", r.v, i+1)
		}
		if i < len(ms) && ms[i].name != r.name {
			return i, fmt.Errorf("migrations: version %d is %s in the database, %s in this binary", r.v, r.name, ms[i].name)
		}
	}
	return len(got), nil
}

// StoreFigures are the counts restore-check reports and cross-checks.
type StoreFigures struct {
	Cases, OpenCases, Events, Parties, Users, AuditRows int64
	CasesWithoutEvents                                  int64  // each case has at least its registration's event
	Integrity                                           string // SQLite's quick_check: "ok"; "" on PostgreSQL
}

// Figures counts what a copy holds and checks what must hold of it.
func (s *Store) Figures(ctx context.Context) (StoreFigures, error) {
	var f StoreFigures
	for _, c := range []struct {
		dst   *int64
		query string
	}{
		{&f.Cases, "SELECT COUNT(*) FROM cases"},
		{&f.OpenCases, "SELECT COUNT(*) FROM cases WHERE state IN " + openStates},
		{&f.Events, "SELECT COUNT(*) FROM case_events"},
		{&f.Parties, "SELECT COUNT(*) FROM case_parties"},
		{&f.Users, "SELECT COUNT(*) FROM users"},
		{&f.AuditRows, "SELECT COUNT(*) FROM audit_log"},
		{&f.CasesWithoutEvents, "SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id)"},
	} {
		if err := s.queryRow(ctx, c.query).Scan(c.dst); err != nil {
			return f, err
		}
	}
	if s.dialect == SQLite {
		if err := s.queryRow(ctx, "PRAGMA quick_check").Scan(&f.Integrity); err != nil {
			return f, err
		}
	}
	return f, nil
}
