package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFS embed.FS

// migration is one numbered schema change for one dialect.
type migration struct {
	version int
	name    string
	sql     string
	// compatibleFrom is the lowest schema version a binary must know to run on the
	// schema once this migration is applied: the migration's own version unless its
	// file says `-- onedoor:compatible-from NNNN` (an expand migration the previous
	// release runs on: docs/operations.md, "Rolling upgrade").
	compatibleFrom int
}

// compatibleMarker introduces an expand migration's compatibility line.
const compatibleMarker = "-- onedoor:compatible-from "

// compatibleFrom reads a migration's compatibility line; without one, it is v.
func compatibleFrom(v int, sql string) (int, error) {
	for _, line := range strings.Split(sql, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), compatibleMarker)
		if !ok {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(rest))
		if err != nil || n < 1 || n > v {
			return 0, fmt.Errorf("%s%s: want a version from 1 to %d", compatibleMarker, rest, v)
		}
		return n, nil
	}
	return v, nil
}

func loadMigrations(d Dialect) ([]migration, error) {
	dir := "migrations/" + string(d)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("migration %s/%s: name must be NNNN_what.sql", dir, name)
		}
		body, err := fs.ReadFile(migrationFS, dir+"/"+name)
		if err != nil {
			return nil, err
		}
		from, err := compatibleFrom(v, string(body))
		if err != nil {
			return nil, fmt.Errorf("migration %s/%s: %w", dir, name, err)
		}
		out = append(out, migration{version: v, name: name, sql: string(body), compatibleFrom: from})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migrations for %s: expected version %d, found %s", d, i+1, m.name)
		}
	}
	return out, nil
}

// Migrate applies every pending migration, each in its own transaction together with
// its schema_version row, and returns how many it applied. On PostgreSQL an advisory
// lock makes nodes starting together take turns.
func (s *Store) Migrate(ctx context.Context, log *slog.Logger) (int, error) {
	ms, err := loadMigrations(s.dialect)
	if err != nil {
		return 0, err
	}
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if s.dialect == Postgres {
		// The lock is a transaction's, held open on a connection of its own until the
		// migrations are done: through PgBouncer in transaction mode a session's lock
		// would be taken on one server connection and released on another (and so
		// never), and the next node to start would wait for it for ever.
		const lockKey = 0x6f6e65646f6f72 // "onedoor"
		lock, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return 0, fmt.Errorf("migration lock: %w", err)
		}
		defer lock.Rollback()
		if _, err := lock.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", lockKey); err != nil {
			return 0, fmt.Errorf("migration lock: %w", err)
		}
	}
	ts := "TIMESTAMP"
	if s.dialect == Postgres {
		ts = "TIMESTAMPTZ"
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at `+ts+` NOT NULL, compatible_from INTEGER)`); err != nil {
		return 0, fmt.Errorf("schema_version: %w", err)
	}
	// A table made before compatible_from existed gets the column; its rows keep
	// NULL, which reads as their own version (no older binary runs on them).
	if has, err := s.hasCompatibleFrom(ctx, conn); err != nil {
		return 0, err
	} else if !has {
		if _, err := conn.ExecContext(ctx, "ALTER TABLE schema_version ADD COLUMN compatible_from INTEGER"); err != nil {
			return 0, fmt.Errorf("schema_version: %w", err)
		}
	}
	var current int
	if err := conn.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_version").Scan(&current); err != nil {
		return 0, err
	}
	if current > len(ms) {
		st, err := s.schemaStatusOn(ctx, conn)
		if err != nil {
			return 0, err
		}
		if !st.Serves() {
			return 0, st.Err()
		}
		if log != nil {
			log.Warn("the database's schema is newer than this binary, which still runs on it (an expand migration of a rolling upgrade)",
				"schema_version", st.Database, "binary_knows", st.Binary, "requires", st.Requires)
		}
		return 0, nil
	}
	applied, rollupsChanged := 0, ""
	for _, m := range ms[current:] {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return applied, err
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return applied, fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, s.q("INSERT INTO schema_version (version, name, applied_at, compatible_from) VALUES (?, ?, ?, ?)"), m.version, m.name, now(), m.compatibleFrom); err != nil {
			tx.Rollback()
			return applied, fmt.Errorf("migration %s: %w", m.name, err)
		}
		if err := tx.Commit(); err != nil {
			return applied, fmt.Errorf("migration %s: %w", m.name, err)
		}
		applied++
		if log != nil {
			log.Info("migration applied", "version", m.version, "name", m.name)
		}
		if strings.HasSuffix(m.name, "_case_rollups.sql") {
			rollupsChanged = m.name
		}
	}
	if rollupsChanged != "" {
		// The rollups of the cases there already (rollups.go): their repeat visits
		// decided, the rollups rebuilt — once, after the last migration, as the
		// rebuild reads the columns of every migration (0040's would not know 0042's
		// repeat_visit).
		if err := s.rebuildRollupsOn(ctx, conn); err != nil {
			return applied, fmt.Errorf("migration %s: %w", rollupsChanged, err)
		}
	}
	// The audit entries a killed process left waiting are sealed by UseAuditKeys, once
	// the key they are sealed with is known.
	return applied, nil
}

// SchemaVersion returns the highest applied migration.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.queryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_version").Scan(&v)
	return v, err
}

// hasCompatibleFrom reports whether schema_version has its compatible_from column.
func (s *Store) hasCompatibleFrom(ctx context.Context, q rowQueryer) (bool, error) {
	query := "SELECT COUNT(*) FROM pragma_table_info('schema_version') WHERE name = 'compatible_from'"
	if s.dialect == Postgres {
		query = `SELECT COUNT(*) FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = 'schema_version' AND column_name = 'compatible_from'`
	}
	var n int
	err := q.QueryRowContext(ctx, query).Scan(&n)
	return n > 0, err
}

// KnownSchemaVersion is the highest migration this binary carries.
func (s *Store) KnownSchemaVersion() int {
	ms, _ := loadMigrations(s.dialect)
	return len(ms)
}

// SchemaState compares the database's schema with what this binary knows.
type SchemaState struct {
	Database int // highest migration applied to the database
	Binary   int // highest migration this binary carries
	Requires int // lowest version a binary must know to run on the database's schema
}

// Serves reports whether this binary runs on the schema: every migration it needs is
// applied, and every newer one is an expand migration it is compatible with.
func (st SchemaState) Serves() bool { return st.Database >= st.Binary && st.Requires <= st.Binary }

// Err says why the binary does not run on the schema, nil when it does.
func (st SchemaState) Err() error {
	switch {
	case st.Database < st.Binary:
		return fmt.Errorf("%w: the database is at schema version %d, this binary needs %d: run `onedoor migrate` (with the migration role) first",
			ErrSchemaMismatch, st.Database, st.Binary)
	case st.Requires > st.Binary:
		return fmt.Errorf("%w: the database is at schema version %d, which needs a binary that knows version %d; this one knows %d: upgrade it",
			ErrSchemaMismatch, st.Database, st.Requires, st.Binary)
	}
	return nil
}

// ErrSchemaMismatch is the error of a schema this binary does not run on.
var ErrSchemaMismatch = errors.New("schema mismatch")

// rowQueryer is what *sql.DB and *sql.Conn offer to read one row.
type rowQueryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// SchemaStatus reads the database's schema version and what it requires of a binary.
func (s *Store) SchemaStatus(ctx context.Context) (SchemaState, error) {
	st, err := s.schemaStatusOn(ctx, s.w)
	if err != nil && s.retryable(ctx, err) {
		var c *sql.Conn
		if c, err = freshConn(ctx, s.w); err != nil {
			return st, err
		}
		defer c.Close()
		return s.schemaStatusOn(ctx, c)
	}
	return st, err
}

func (s *Store) schemaStatusOn(ctx context.Context, q rowQueryer) (SchemaState, error) {
	st := SchemaState{Binary: s.KnownSchemaVersion()}
	has, err := s.hasCompatibleFrom(ctx, q)
	if err != nil {
		return st, err
	}
	query := "SELECT COALESCE(MAX(version), 0), COALESCE(MAX(COALESCE(compatible_from, version)), 0) FROM schema_version"
	if !has {
		query = "SELECT COALESCE(MAX(version), 0), COALESCE(MAX(version), 0) FROM schema_version"
	}
	err = q.QueryRowContext(ctx, query).Scan(&st.Database, &st.Requires)
	if err != nil && isMissingTable(err) {
		return st, nil // an empty database: version 0
	}
	return st, err
}

// isMissingTable recognises a query on a table that does not exist, on either database.
func isMissingTable(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "no such table") || strings.Contains(msg, "SQLSTATE 42P01")
}
