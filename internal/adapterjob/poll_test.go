package adapterjob_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/adapterjob"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// TestPollStopsAndSkips: a platform that always has a next page is read
// MaxPollPages pages a poll, and the next poll goes on from there; an order it wrote
// wrong is skipped and reported on the platform, and the orders after it are taken.
func TestPollStopsAndSkips(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := demo.SeedCounty(ctx, st); err != nil {
			t.Fatal(err)
		}
		var asked atomic.Int64
		fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			asked.Add(1)
			n, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
			order := map[string]any{"id": fmt.Sprintf("N%d", n), "d": "路灯不亮", "c": "01", "r": "r1"}
			if n == 3 {
				delete(order, "d") // the platform left out the description
			}
			json.NewEncoder(w).Encode(map[string]any{"orders": []any{order}, "next_cursor": strconv.Itoa(n + 1)})
		}))
		defer fake.Close()
		svc := adapterjob.New(st, cases.New(st), nil)
		_, err := svc.CreatePlatform(ctx, adapterjob.PlatformInput{Code: "endless", Name: "无尽平台", Kind: "12345", Secret: strings.Repeat("k", 16),
			PollURL: fake.URL, PollSeconds: 60, Mapping: mapping, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		before, _ := st.CountCases(ctx)
		now := time.Now()
		n, err := svc.Poll(ctx, now)
		if err != nil || n != adapterjob.MaxPollPages-1 || asked.Load() != adapterjob.MaxPollPages {
			t.Fatalf("poll: %d orders, %d pages, %v", n, asked.Load(), err)
		}
		p, _ := st.PlatformByCode(ctx, "endless")
		if p.PollCursor != strconv.Itoa(adapterjob.MaxPollPages) || !strings.Contains(p.PollError, "order.d") {
			t.Fatalf("after the poll: cursor %q, error %q", p.PollCursor, p.PollError)
		}
		if after, _ := st.CountCases(ctx); after != before+adapterjob.MaxPollPages-1 {
			t.Fatalf("%d cases added, want %d", after-before, adapterjob.MaxPollPages-1)
		}
		if _, err := svc.Poll(ctx, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if p, _ = st.PlatformByCode(ctx, "endless"); p.PollCursor != strconv.Itoa(2*adapterjob.MaxPollPages) || p.PollError != "" {
			t.Fatalf("after the second poll: cursor %q, error %q", p.PollCursor, p.PollError)
		}
	})
}
