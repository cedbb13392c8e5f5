// Package testutil gives tests a fresh, migrated store on every database the suite
// covers, and a running server over it.
package testutil

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/onedoor/onedoor/internal/store"
)

// PGEnv names the variable that holds a PostgreSQL URL for the suite.
const PGEnv = "ONEDOOR_TEST_PG"

// Dialects lists the databases this run covers: always SQLite, PostgreSQL when
// ONEDOOR_TEST_PG is set.
func Dialects() []store.Dialect {
	ds := []store.Dialect{store.SQLite}
	if os.Getenv(PGEnv) != "" {
		ds = append(ds, store.Postgres)
	}
	return ds
}

// ForEachStore runs fn as a subtest on a fresh migrated store of each dialect.
func ForEachStore(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(string(d), func(t *testing.T) {
			fn(t, NewStore(t, d))
		})
	}
}

// NewStore opens a fresh, migrated store of dialect d, its audit chain keyed with a
// random key, removed when the test ends.
// On PostgreSQL each store lives in its own schema, so tests run in parallel safely.
func NewStore(t testing.TB, d store.Dialect) *store.Store {
	t.Helper()
	return OpenStore(t, NewDSN(t, d), NewAuditKey(t))
}

// OpenStore opens the database at dsn, migrates it and, when keys are given, keys its
// audit chain with them (the last seals new rows), as a server starting over it
// would; it is closed when the test ends.
func OpenStore(t testing.TB, dsn string, keys ...store.AuditKey) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx, nil); err != nil {
		t.Fatalf("migrate %s store: %v", st.Dialect(), err)
	}
	if len(keys) > 0 {
		if err := st.UseAuditKeys(ctx, nil, keys...); err != nil {
			t.Fatalf("audit keys of the %s store: %v", st.Dialect(), err)
		}
		st.StartAuditSealer() // as a server does once it holds its keys
	}
	return st
}

// NewAuditKey is a fresh random audit key.
func NewAuditKey(t testing.TB) store.AuditKey {
	t.Helper()
	secret := make([]byte, store.AuditKeyMinBytes)
	rand.Read(secret)
	k, err := store.NewAuditKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// NewDSN returns the address of a fresh empty database of dialect d: a file in a
// temporary folder, or a new schema on the test PostgreSQL, dropped at cleanup.
func NewDSN(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.SQLite {
		return filepath.Join(t.TempDir(), "onedoor.db")
	}
	base := os.Getenv(PGEnv)
	if base == "" {
		t.Skipf("%s is not set; PostgreSQL tests skipped", PGEnv)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("postgres at %s=%s: %v", PGEnv, base, err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", PGEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
