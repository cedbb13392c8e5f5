package store

import (
	"context"
	"embed"
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
		out = append(out, migration{version: v, name: name, sql: string(body)})
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
		const lockKey = 0x6f6e65646f6f72 // "onedoor"
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
			return 0, fmt.Errorf("migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockKey)
	}
	ts := "TIMESTAMP"
	if s.dialect == Postgres {
		ts = "TIMESTAMPTZ"
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at `+ts+` NOT NULL)`); err != nil {
		return 0, fmt.Errorf("schema_version: %w", err)
	}
	var current int
	if err := conn.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_version").Scan(&current); err != nil {
		return 0, err
	}
	if current > len(ms) {
		return 0, fmt.Errorf("database is at schema version %d, newer than this binary knows (%d)", current, len(ms))
	}
	applied := 0
	for _, m := range ms[current:] {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return applied, err
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return applied, fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, s.q("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)"), m.version, m.name, now()); err != nil {
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
