package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// A binary runs on its own schema, on a newer one whose extra migrations are expand
// migrations compatible with it, and on nothing else: an older schema (not yet
// migrated) or a newer one with a contract migration is refused, by Migrate and by
// SchemaStatus, naming the versions.
func TestSchemaCompatibility(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		known := st.KnownSchemaVersion()
		state, err := st.SchemaStatus(ctx)
		if err != nil || !state.Serves() || state.Database != known || state.Binary != known {
			t.Fatalf("own schema: %+v, %v", state, err)
		}
		future := func(v, compatibleFrom int) {
			t.Helper()
			if err := st.ExecForTest(ctx, "INSERT INTO schema_version (version, name, applied_at, compatible_from) VALUES (?, ?, ?, ?)",
				v, "future.sql", time.Now().UTC(), compatibleFrom); err != nil {
				t.Fatal(err)
			}
		}
		future(known+1, known) // expand: the previous release runs on it
		state, err = st.SchemaStatus(ctx)
		if err != nil || !state.Serves() || state.Database != known+1 || state.Requires != known {
			t.Fatalf("after an expand migration: %+v, %v", state, err)
		}
		if n, err := st.Migrate(ctx, nil); err != nil || n != 0 {
			t.Fatalf("migrate on a compatible newer schema: %d, %v", n, err)
		}
		future(known+2, known+2) // contract: only binaries that know it
		state, err = st.SchemaStatus(ctx)
		if err != nil || state.Serves() || state.Requires != known+2 || !errors.Is(state.Err(), store.ErrSchemaMismatch) {
			t.Fatalf("after a contract migration: %+v, %v", state, err)
		}
		if _, err := st.Migrate(ctx, nil); !errors.Is(err, store.ErrSchemaMismatch) {
			t.Fatalf("migrate on an incompatible newer schema: %v", err)
		}
	})
}

// An empty database is behind every binary: serve with -migrate=false refuses it.
func TestSchemaStatusOfAnEmptyDatabase(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			st, err := store.Open(context.Background(), testutil.NewDSN(t, d))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			state, err := st.SchemaStatus(context.Background())
			if err != nil || state.Serves() || state.Database != 0 || !errors.Is(state.Err(), store.ErrSchemaMismatch) {
				t.Fatalf("%+v, %v", state, err)
			}
		})
	}
}
