package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// Registrations at once each get their own outcome — a failing one is undone alone,
// with its audit entry — while the others' writes and audit entries are committed and
// the audit chain stays whole: on SQLite they share the group commit's transaction, on
// PostgreSQL each has its own (RegisterCase with InTx alone).
func TestGroupCommitIsolatesEachCaller(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		const n = 40
		boom := errors.New("refused")
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				ctx := store.WithActor(ctx, store.Actor{Name: "test"})
				audit := store.Audited("region.create", fmt.Sprintf("region:%d", i), "batch")
				errs[i] = st.RegisterCase(ctx, audit, store.NewCase{InTx: func(tx *store.Tx) error {
					g := model.Region{Code: fmt.Sprintf("6229%02d", i), Name: fmt.Sprintf("县%d", i), Level: model.LevelCounty}
					if err := tx.CreateRegion(ctx, &g); err != nil {
						return err
					}
					if i%5 == 0 {
						return boom // after writing: the savepoint must undo it
					}
					return nil
				}})
			}(i)
		}
		wg.Wait()
		for i, err := range errs {
			if i%5 == 0 && !errors.Is(err, boom) || i%5 != 0 && err != nil {
				t.Errorf("caller %d: %v", i, err)
			}
		}
		regions, err := st.Regions(ctx, store.RegionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, g := range regions {
			got[g.Code] = true
		}
		for i := 0; i < n; i++ {
			if want := i%5 != 0; got[fmt.Sprintf("6229%02d", i)] != want {
				t.Errorf("region of caller %d stored: %v, want %v", i, !want, want)
			}
		}
		rows, brk, err := st.VerifyAudit(ctx)
		if err != nil || brk != nil || rows != n-n/5 {
			t.Fatalf("audit: %d rows, break %+v, %v; want %d rows, whole", rows, brk, err, n-n/5)
		}
		// A caller whose context is already done is not run.
		done, cancel := context.WithCancel(ctx)
		cancel()
		ran := false
		write := store.NewCase{InTx: func(*store.Tx) error { ran = true; return nil }}
		if err := st.RegisterCase(done, store.NotAudited("test"), write); !errors.Is(err, context.Canceled) || ran {
			t.Errorf("cancelled caller: %v, ran %v", err, ran)
		}
	})
}
