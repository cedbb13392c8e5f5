package web_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// onedoor serves through PgBouncer in transaction mode with -db-pgbouncer: nodes
// migrate in turn, and intake, actions, lists, searches and figures run under
// concurrent load, each statement on whichever server connection PgBouncer gives.
func TestServesThroughPgBouncer(t *testing.T) {
	dsn := testutil.NewPgBouncerDSN(t)
	ctx := context.Background()

	// Without the switch, the store's plan_cache_mode startup parameter is refused.
	if st, err := store.Open(ctx, dsn); err == nil {
		st.Close()
		t.Fatal("a store opened through PgBouncer without PgBouncer mode")
	}

	open := func() *store.Store {
		st, err := store.OpenWith(ctx, dsn, store.Options{PgBouncer: true, MaxConns: 16})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	// Two nodes migrate at once, then a third: the migration lock is released, not
	// left on a server connection PgBouncer keeps.
	a, b := open(), open()
	var wg sync.WaitGroup
	for _, st := range []*store.Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
			defer cancel()
			if _, err := st.Migrate(mctx, nil); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for range 3 {
		mctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		if _, err := open().Migrate(mctx, nil); err != nil {
			t.Fatalf("a later node's migration through PgBouncer: %v", err)
		}
		cancel()
	}
	if t.Failed() {
		return
	}
	key := testutil.NewAuditKey(t)
	if err := a.UseAuditKeys(ctx, nil, key); err != nil {
		t.Fatal(err)
	}
	a.StartAuditSealer()
	srv := testutil.NewServer(t, a, true)

	const workers, each = 6, 8
	ids := make(chan int64, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			clerk := srv.Login(t, "county.clerk", demo.Password)
			for i := range each {
				resp, raw := clerk.Do("POST", "/api/v1/cases", walkIn(t, a))
				if resp.StatusCode != 201 {
					t.Errorf("worker %d, case %d: %d %s", w, i, resp.StatusCode, testutil.Excerpt(raw))
					return
				}
				var c struct {
					ID int64 `json:"id"`
				}
				testutil.DecodeJSON(t, raw, &c)
				ids <- c.ID
				for _, req := range [][2]string{
					{"POST", fmt.Sprintf("/api/v1/cases/%d/actions/accept", c.ID)},
					{"GET", fmt.Sprintf("/api/v1/cases/%d", c.ID)},
					{"GET", "/api/v1/cases?limit=20"},
					{"GET", "/api/v1/cases?q=" + "柴草"},
				} {
					var body any
					if req[0] == "POST" {
						body = map[string]any{}
					}
					if resp, raw := clerk.Do(req[0], req[1], body); resp.StatusCode != 200 {
						t.Errorf("worker %d: %s %s: %d %s", w, req[0], req[1], resp.StatusCode, testutil.Excerpt(raw))
					}
				}
			}
		}()
	}
	wg.Wait()
	close(ids)
	if len(ids) != workers*each {
		t.Fatalf("%d cases registered through PgBouncer, want %d", len(ids), workers*each)
	}
	leader := srv.Login(t, "county.leader", demo.Password)
	if got := statValues(getStats(t, leader, "period=day"))["headline intake"].Num; got != workers*each {
		t.Fatalf("today's intake through PgBouncer: %d, want %d", got, workers*each)
	}
	for _, path := range []string{"/stats", "/analysis", "/healthz"} {
		if resp, raw := leader.Do("GET", path, nil); resp.StatusCode != 200 {
			t.Errorf("GET %s through PgBouncer: %d %s", path, resp.StatusCode, testutil.Excerpt(raw))
		}
	}
}
