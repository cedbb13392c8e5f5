package jobs_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/jobs"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// Two nodes share a job: the second runs it only once the first's lease lapsed — at
// most five minutes for an hourly job — and says it took it over; a failing run is
// logged with its job; the record of runs is pruned.
func TestLeaseTakeoverFailuresAndPruning(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var logs lockedBuffer
		log := slog.New(slog.NewTextHandler(&logs, nil))
		start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		clock := start
		now := func() time.Time { return clock }
		fail := false
		job := func(context.Context, time.Time) (int, error) {
			if fail {
				return 0, errors.New("the gateway is down")
			}
			return 1, nil
		}
		a, b := jobs.New(st, log), jobs.New(st, log)
		for _, r := range []*jobs.Runner{a, b} {
			r.Now = now
			r.Add("hourly", time.Hour, job)
		}
		if ran, err := a.RunOnce(ctx, "hourly"); !ran || err != nil {
			t.Fatalf("first node: %v %v", ran, err)
		}
		clock = start.Add(4 * time.Minute)
		if ran, _ := b.RunOnce(ctx, "hourly"); ran {
			t.Fatal("the second node ran the job while the first's lease held")
		}
		clock = start.Add(5*time.Minute + time.Second) // the first node died: its lease lapsed
		if ran, err := b.RunOnce(ctx, "hourly"); !ran || err != nil {
			t.Fatalf("takeover: %v %v", ran, err)
		}
		if !strings.Contains(logs.String(), "job taken over from another node") || !strings.Contains(logs.String(), "from="+a.Holder) {
			t.Fatalf("the takeover is not logged:\n%s", logs.String())
		}
		fail = true
		clock = clock.Add(time.Hour)
		if _, err := b.RunOnce(ctx, "hourly"); err == nil {
			t.Fatal("a failing run reported no error")
		}
		if !strings.Contains(logs.String(), `msg="job failed" job=hourly step=run err="the gateway is down"`) {
			t.Fatalf("the failure is not logged:\n%s", logs.String())
		}
		runs, err := st.JobRuns(ctx, "hourly")
		if err != nil || len(runs) != 3 {
			t.Fatalf("runs: %d %v", len(runs), err)
		}
		n, err := st.PruneJobRuns(ctx, start.Add(time.Minute))
		if err != nil || n != 1 {
			t.Fatalf("pruned %d, %v", n, err)
		}
		if runs, _ := st.JobRuns(ctx, "hourly"); len(runs) != 2 {
			t.Fatalf("after pruning: %d runs", len(runs))
		}
	})
}
