package cases_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/audit"
	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// benchCases is how many cases the benchmarks run over (DESIGN.md §9 asks lookups to
// stay under 50 ms at 100,000); ONEDOOR_BENCH_CASES overrides it.
func benchCases() int {
	if n, err := strconv.Atoi(os.Getenv("ONEDOOR_BENCH_CASES")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

var (
	benchOnce  = map[store.Dialect]*sync.Once{store.SQLite: {}, store.Postgres: {}}
	benchStore = map[store.Dialect]*store.Store{}
)

// benchSetup builds, once per dialect and process, a demo county with benchCases()
// generated cases. The store outlives the benchmark that built it.
func benchSetup(b *testing.B, d store.Dialect) *store.Store {
	benchOnce[d].Do(func() {
		tb := &keepAlive{TB: b}
		ctx := context.Background()
		if dsn := os.Getenv("ONEDOOR_BENCH_DB"); dsn != "" {
			// A store made by `onedoor demo -cases N`, with its audit key (a sign-in
			// writes the log): the benchmarks of its dialect run over it.
			if (d == store.Postgres) != strings.HasPrefix(dsn, "postgres") {
				return
			}
			keys, err := audit.ParseKeys(os.Getenv("ONEDOOR_AUDIT_KEY"))
			if err != nil {
				b.Fatal(err)
			}
			benchStore[d] = testutil.OpenStore(tb, dsn, keys...)
			return
		}
		st := testutil.NewStore(tb, d)
		if err := demo.SeedCounty(ctx, st); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		generate := demo.GenerateCases
		if os.Getenv("ONEDOOR_BENCH_OPEN") != "" {
			generate = demo.GenerateOpenCases // every case open: the deadline sweep's worst case
		}
		if err := generate(ctx, st, benchCases(), 1); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: generated %d cases in %v", d, benchCases(), time.Since(start).Round(time.Millisecond))
		benchStore[d] = st
	})
	if benchStore[d] == nil {
		b.Skip("setup failed")
	}
	return benchStore[d]
}

// keepAlive defers cleanups to process exit: the generated store is shared by every
// benchmark of the run.
type keepAlive struct{ testing.TB }

func (k *keepAlive) Cleanup(func()) {}

func principal(b testing.TB, st *store.Store, username string) *auth.Principal {
	a := auth.NewService(st, time.Hour, time.Hour)
	p, _, _, err := a.Login(context.Background(), username, demo.Password, "", "")
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkPriorCases is the intake desk's lookup while a clerk types: the same
// person's earlier cases by ID number and phone, and open cases at the address.
func BenchmarkPriorCases(b *testing.B) {
	for _, d := range testutil.Dialects() {
		b.Run(fmt.Sprintf("%s/%dcases", d, benchCases()), func(b *testing.B) {
			st := benchSetup(b, d)
			svc := cases.New(st)
			p := principal(b, st, "county.clerk")
			ctx := context.Background()
			sample, err := st.Cases(ctx, store.CaseFilter{Limit: 200}, store.CaseScope{All: true})
			if err != nil || len(sample) == 0 {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c := sample[i%len(sample)]
				found, err := svc.PriorCases(ctx, p, c.Parties[0].IDNumber, c.Parties[0].Phone, c.Address, c.Title)
				if err != nil || len(found) == 0 {
					b.Fatalf("lookup found %d, %v", len(found), err)
				}
			}
		})
	}
}

// BenchmarkQueue is a clerk's "待我处理" first page and the case page's read.
func BenchmarkQueue(b *testing.B) {
	for _, d := range testutil.Dialects() {
		b.Run(fmt.Sprintf("%s/%dcases", d, benchCases()), func(b *testing.B) {
			st := benchSetup(b, d)
			svc := cases.New(st)
			ctx := context.Background()
			for _, who := range []string{"fucheng.clerk", "county.leader"} {
				p := principal(b, st, who)
				b.Run("queue/"+who, func(b *testing.B) {
					for i := 0; i < b.N; i++ {
						if _, err := svc.List(ctx, p, store.CaseFilter{Queue: cases.QueueFor(p), Limit: 50}); err != nil {
							b.Fatal(err)
						}
					}
				})
				b.Run("all/"+who, func(b *testing.B) {
					for i := 0; i < b.N; i++ {
						if _, err := svc.List(ctx, p, store.CaseFilter{Kind: model.KindDispute, Limit: 50}); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			p := principal(b, st, "county.clerk")
			sample, _ := st.Cases(ctx, store.CaseFilter{Limit: 200}, store.CaseScope{All: true})
			b.Run("case", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					c, err := svc.Get(ctx, p, sample[i%len(sample)].ID)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := svc.Events(ctx, p, c.ID); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

var sweepClock = map[store.Dialect]time.Time{}

// BenchmarkDeadlineSweep is one run of the deadline sweep in steady state, as the job
// runner makes it every minute: the cases that crossed a threshold since the last run
// are flagged and their people notified; the rest of the open cases cost nothing. The
// first sweep over freshly generated data, which flags every late case at once, is
// logged separately.
func BenchmarkDeadlineSweep(b *testing.B) {
	for _, d := range testutil.Dialects() {
		b.Run(fmt.Sprintf("%s/%dcases", d, benchCases()), func(b *testing.B) {
			st := benchSetup(b, d)
			svc := cases.New(st)
			ctx := context.Background()
			// The clock carries on across the benchmark's runs, so every run sweeps
			// minutes it has not seen: real transitions, not an idle store.
			if sweepClock[d].IsZero() {
				sweepClock[d] = time.Now()
			}
			now := sweepClock[d]
			defer func() { sweepClock[d] = now }()
			start := time.Now()
			n, err := svc.SweepDeadlines(ctx, now)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("first sweep flagged %d cases in %v", n, time.Since(start).Round(time.Millisecond))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				now = now.Add(time.Minute)
				if _, err := svc.SweepDeadlines(ctx, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWarningSweep is the warning sweep over the generated store: late responses,
// red cases kept under supervision, and the step-down candidates (every generated
// warning is quiet, so the query walks all of them; none has a return visit, so none
// steps down). The clock carries on across runs, as in BenchmarkDeadlineSweep.
func BenchmarkWarningSweep(b *testing.B) {
	for _, d := range testutil.Dialects() {
		b.Run(fmt.Sprintf("%s/%dcases", d, benchCases()), func(b *testing.B) {
			st := benchSetup(b, d)
			svc := cases.New(st)
			ctx := context.Background()
			now := time.Now().Add(24 * time.Hour)
			start := time.Now()
			n, err := svc.SweepRisk(ctx, now)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("first sweep changed %d cases in %v", n, time.Since(start).Round(time.Millisecond))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				now = now.Add(time.Minute)
				if _, err := svc.SweepRisk(ctx, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRegister is one intake through the service, in its own transaction, with
// the warning assessed over the party's history: "new" is a first-time applicant with
// an ordinary complaint, "returning" the applicant of an earlier generated case who
// comes back, again and again, reporting a threat (so the warning rises and leaders
// are notified).
func BenchmarkRegister(b *testing.B) {
	for _, d := range testutil.Dialects() {
		for _, returning := range []bool{false, true} {
			name := map[bool]string{false: "new", true: "returning"}[returning]
			b.Run(fmt.Sprintf("%s/%dcases/%s", d, benchCases(), name), func(b *testing.B) {
				st := benchSetup(b, d)
				ctx := context.Background()
				svc := cases.New(st)
				p := principal(b, st, "county.clerk")
				earlier, err := st.Cases(ctx, store.CaseFilter{Limit: 1}, store.CaseScope{All: true})
				if err != nil || len(earlier) == 0 {
					b.Fatal(err)
				}
				prev := earlier[0]
				in := cases.RegisterInput{Kind: prev.Kind, CategoryID: prev.CategoryID, Channel: model.ChannelWalkIn, RegionID: prev.RegionID,
					Description: "与邻居因排水沟堵塞发生争执，请求协调。", Parties: []cases.PartyInput{{Name: "新来人"}}}
				if returning {
					in.Description = "再次来访，称对方扬言报复。"
					in.Parties[0] = cases.PartyInput{Name: prev.Parties[0].Name, IDNumber: prev.Parties[0].IDNumber, Phone: prev.Parties[0].Phone}
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if !returning {
						in.Parties[0].Phone = fmt.Sprintf("137%08d", i+b.N*7)
					}
					if _, err := svc.Register(ctx, p, in); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkWarningsBoard is the county leader's warnings board: the list of warned
// cases and the map's counts by region.
func BenchmarkWarningsBoard(b *testing.B) {
	for _, d := range testutil.Dialects() {
		b.Run(fmt.Sprintf("%s/%dcases", d, benchCases()), func(b *testing.B) {
			st := benchSetup(b, d)
			ctx := context.Background()
			svc := cases.New(st)
			p := principal(b, st, "county.leader")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := svc.Warnings(ctx, p, ""); err != nil {
					b.Fatal(err)
				}
				if _, err := svc.WarningMap(ctx, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
