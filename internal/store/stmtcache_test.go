package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// Prepared statements are made lazily, some inside transactions and some after them;
// writers of every kind at once on a fresh store (every query text new) must neither
// wait on each other for ever nor see each other's statements go wrong.
func TestStatementCacheUnderMixedWriters(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		const n = 24
		var wg sync.WaitGroup
		errs := make(chan error, 4*n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				g := model.Region{Code: fmt.Sprintf("6230%02d", i), Name: fmt.Sprintf("县%d", i), Level: model.LevelCounty}
				errs <- st.RegisterCase(ctx, store.NotAudited("test fixture"), store.NewCase{InTx: func(tx *store.Tx) error { return tx.CreateRegion(ctx, &g) }})
				errs <- st.UpdateRegion(ctx, store.NotAudited("test fixture"), g.ID, g.Code, g.Name+"（改）") // one statement, no transaction
				errs <- st.SetRegionActive(ctx, store.NotAudited("test fixture"), g.ID, i%2 == 0)          // a transaction of its own
				_, err := st.Regions(ctx, store.RegionFilter{})
				errs <- err
			}(i)
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			t.Fatal("writers still waiting after a minute: a statement cache deadlock")
		}
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		regions, err := st.Regions(ctx, store.RegionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		renamed, active := 0, 0
		for _, g := range regions {
			if len(g.Code) == 6 && g.Code[:4] == "6230" {
				if g.Name[len(g.Name)-len("（改）"):] == "（改）" {
					renamed++
				}
				if g.Active {
					active++
				}
			}
		}
		if renamed != n || active != n/2 {
			t.Errorf("renamed %d, active %d; want %d and %d", renamed, active, n, n/2)
		}
	})
}
