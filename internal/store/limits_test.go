package store_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

var limitsT0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// Five in ten minutes pass, the sixth waits exactly until the first leaves the window;
// another subject, and another limit, are counted apart.
func TestRateAllowSlidingWindow(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		l := store.RateLimit{Name: "test.submit", Max: 5, Window: 10 * time.Minute}
		now := limitsT0
		allow := func(subject string) (bool, time.Duration) {
			t.Helper()
			ok, retry, err := st.RateAllow(ctx, l, subject, now)
			if err != nil {
				t.Fatal(err)
			}
			return ok, retry
		}
		for i := 0; i < 5; i++ {
			if ok, _ := allow("1.2.3.4"); !ok {
				t.Fatalf("event %d refused", i+1)
			}
			now = now.Add(time.Minute)
		}
		ok, retry := allow("1.2.3.4")
		if ok || retry != 5*time.Minute {
			t.Fatalf("sixth: ok %v retry %v, want refused for 5m", ok, retry)
		}
		if ok, _ := allow("5.6.7.8"); !ok {
			t.Fatal("another subject refused")
		}
		other := store.RateLimit{Name: "test.other", Max: 5, Window: 10 * time.Minute}
		if ok, _, err := st.RateAllow(ctx, other, "1.2.3.4", now); err != nil || !ok {
			t.Fatalf("another limit's count of the subject: %v %v", ok, err)
		}
		now = now.Add(retry - time.Millisecond)
		if ok, _ := allow("1.2.3.4"); ok {
			t.Fatal("allowed a millisecond early")
		}
		now = now.Add(time.Millisecond)
		if ok, _ := allow("1.2.3.4"); !ok {
			t.Fatal("refused once the first event left the window")
		}
		if ok, _ := allow("1.2.3.4"); ok {
			t.Fatal("a refused event must not make room: still five inside the window")
		}
		if n, retry, err := st.RateCount(ctx, l, "1.2.3.4", now); err != nil || n != 5 || retry != time.Minute {
			t.Fatalf("count %d retry %v (%v), want 5 and 1m", n, retry, err)
		}
	})
}

// Record counts past the limit without refusing, keeping at most Max; Count sees only
// the window.
func TestRateRecordAndCount(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		l := store.RateLimit{Name: "test.failures", Max: 3, Window: time.Hour}
		for i := 0; i < 5; i++ {
			if err := st.RateRecord(ctx, l, "k", limitsT0.Add(time.Duration(i)*time.Second)); err != nil {
				t.Fatal(err)
			}
		}
		if n, retry, err := st.RateCount(ctx, l, "k", limitsT0.Add(5*time.Second)); err != nil || n != 3 || retry != time.Hour-3*time.Second {
			t.Fatalf("count %d retry %v (%v), want the limit 3, until the third event leaves", n, retry, err)
		}
		if n, _, err := st.RateCount(ctx, l, "k", limitsT0.Add(time.Hour+4*time.Second)); err != nil || n != 0 {
			t.Fatalf("count after the window %d (%v), want 0", n, err)
		}
		if n, _, err := st.RateCount(ctx, l, "never", limitsT0); err != nil || n != 0 {
			t.Fatalf("a subject never counted: %d %v", n, err)
		}
	})
}

// The table cannot grow without bound: a subject's first event removes rows whose
// events have all left their window, a batch at a time, and never a row that still
// counts.
func TestRateLimitsArePruned(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		l := store.RateLimit{Name: "test.flood", Max: 2, Window: 10 * time.Minute}
		rows := func() int {
			t.Helper()
			n, err := st.RateLimitRows(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		for i := 0; i < 150; i++ {
			if err := st.RateRecord(ctx, l, fmt.Sprintf("10.0.%d.%d", i/256, i%256), limitsT0); err != nil {
				t.Fatal(err)
			}
		}
		if n := rows(); n != 150 {
			t.Fatalf("%d rows while every one counts, want 150", n)
		}
		keep := store.RateLimit{Name: "test.keep", Max: 2, Window: time.Hour}
		if err := st.RateRecord(ctx, keep, "kept", limitsT0.Add(5*time.Minute)); err != nil {
			t.Fatal(err)
		}
		later := limitsT0.Add(10 * time.Minute)
		for _, s := range []string{"new1", "new2"} {
			if err := st.RateRecord(ctx, l, s, later); err != nil {
				t.Fatal(err)
			}
		}
		if n := rows(); n != 3 {
			t.Fatalf("%d rows after two new subjects, want 3 (new1, new2, kept): spent rows stay", n)
		}
		if n, _, _ := st.RateCount(ctx, keep, "kept", later); n != 1 {
			t.Fatalf("a row that still counts was pruned: count %d", n)
		}
	})
}

// Two stores over one database, as two nodes have, count one limit: however their
// events interleave, and at the same moment, exactly Max pass. A store opened again
// (a restarted node) keeps the count.
func TestRateLimitAcrossStores(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn := testutil.NewDSN(t, d)
			a, b := testutil.OpenStore(t, dsn), testutil.OpenStore(t, dsn)
			l := store.RateLimit{Name: "test.nodes", Max: 10, Window: time.Minute}
			var mu sync.Mutex
			passed := 0
			var wg sync.WaitGroup
			for i := 0; i < 30; i++ {
				st := a
				if i%2 == 1 {
					st = b
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					ok, _, err := st.RateAllow(ctx, l, "1.2.3.4", limitsT0)
					if err != nil {
						t.Error(err)
					}
					if ok {
						mu.Lock()
						passed++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if passed != l.Max {
				t.Fatalf("%d of 30 events passed on two nodes, want %d", passed, l.Max)
			}
			a.Close()
			restarted := testutil.OpenStore(t, dsn)
			if ok, retry, err := restarted.RateAllow(ctx, l, "1.2.3.4", limitsT0.Add(time.Second)); err != nil || ok || retry != 59*time.Second {
				t.Fatalf("after a restart: ok %v retry %v (%v), want refused for 59s", ok, retry, err)
			}
		})
	}
}

// A shared key is made once, by whichever node asks first, and every node of the
// database — one started later, or again — reads the same; another database has its
// own.
func TestSharedKey(t *testing.T) {
	for _, d := range testutil.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			dsn := testutil.NewDSN(t, d)
			a, b := testutil.OpenStore(t, dsn), testutil.OpenStore(t, dsn)
			keys := make([][]byte, 2)
			var wg sync.WaitGroup
			for i, st := range []*store.Store{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					k, err := st.SharedKey(ctx, "test.challenge")
					if err != nil {
						t.Error(err)
					}
					keys[i] = k
				}()
			}
			wg.Wait()
			if len(keys[0]) != store.SharedKeySize || !bytes.Equal(keys[0], keys[1]) {
				t.Fatalf("two nodes made two keys: %x %x", keys[0], keys[1])
			}
			a.Close()
			if k, err := testutil.OpenStore(t, dsn).SharedKey(ctx, "test.challenge"); err != nil || !bytes.Equal(k, keys[0]) {
				t.Fatalf("after a restart: %x %v, want %x", k, err, keys[0])
			}
			if k, err := b.SharedKey(ctx, "test.other"); err != nil || bytes.Equal(k, keys[0]) {
				t.Fatalf("another name's key: %x %v", k, err)
			}
			if k, err := testutil.NewStore(t, d).SharedKey(ctx, "test.challenge"); err != nil || bytes.Equal(k, keys[0]) {
				t.Fatalf("another database's key: %x %v", k, err)
			}
		})
	}
}
