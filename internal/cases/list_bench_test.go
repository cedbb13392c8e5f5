package cases_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// listShape is a filtered case list as a user asks for it on /cases.
type listShape struct {
	name string
	f    func(env listEnv) store.CaseFilter
}

// listEnv is what a shape's filter names: a township, village and grid of the demo
// county, and categories.
type listEnv struct {
	now                  time.Time
	township, village    string // region paths
	grid                 string
	leafCategory, parent int64
}

// listShapes are the filters of a case list, alone and combined, as DESIGN.md §9 asks
// of every one: p95 < 30 ms at 1M cases, in the default order (登记时间, newest first).
var listShapes = []listShape{
	{"all", func(e listEnv) store.CaseFilter { return store.CaseFilter{} }},
	{"kind", func(e listEnv) store.CaseFilter { return store.CaseFilter{Kind: model.KindDispute} }},
	{"kind+urgency", func(e listEnv) store.CaseFilter { return store.CaseFilter{Kind: model.KindDispute, Urgency: "urgent"} }},
	{"urgency+channel", func(e listEnv) store.CaseFilter {
		return store.CaseFilter{Urgency: "critical", Channel: model.ChannelHotline}
	}},
	{"state-open", func(e listEnv) store.CaseFilter { return store.CaseFilter{States: []string{"in_progress"}} }},
	{"state-closed", func(e listEnv) store.CaseFilter { return store.CaseFilter{States: []string{"archived"}} }},
	{"overdue", func(e listEnv) store.CaseFilter { return store.CaseFilter{OverdueAt: e.now} }},
	{"kind+overdue", func(e listEnv) store.CaseFilter { return store.CaseFilter{Kind: model.KindHazard, OverdueAt: e.now} }},
	{"category", func(e listEnv) store.CaseFilter { return store.CaseFilter{CategoryID: e.leafCategory} }},
	{"category-parent", func(e listEnv) store.CaseFilter { return store.CaseFilter{CategoryID: e.parent} }},
	{"channel", func(e listEnv) store.CaseFilter { return store.CaseFilter{Channel: model.ChannelPhoto} }},
	{"township", func(e listEnv) store.CaseFilter { return store.CaseFilter{Within: e.township} }},
	{"village", func(e listEnv) store.CaseFilter { return store.CaseFilter{Within: e.village} }},
	{"grid", func(e listEnv) store.CaseFilter { return store.CaseFilter{Within: e.grid} }},
	{"village+kind+urgency", func(e listEnv) store.CaseFilter {
		return store.CaseFilter{Within: e.village, Kind: model.KindPetition, Urgency: "critical"}
	}},
	{"state+kind+channel", func(e listEnv) store.CaseFilter {
		return store.CaseFilter{States: []string{"registered"}, Kind: model.KindService, Channel: model.ChannelPhoto}
	}},
	{"category+state", func(e listEnv) store.CaseFilter {
		return store.CaseFilter{CategoryID: e.leafCategory, States: []string{"rejected"}}
	}},
	{"village+kind", func(e listEnv) store.CaseFilter { return store.CaseFilter{Within: e.village, Kind: model.KindPetition} }},
	{"states", func(e listEnv) store.CaseFilter { return store.CaseFilter{States: []string{"registered", "accepted"}} }},
	// The other order (登记时间, the oldest first) and a deep page (page 200 of 50).
	{"kind/oldest", func(e listEnv) store.CaseFilter {
		return store.CaseFilter{Kind: model.KindDispute, Sort: store.SortOldest}
	}},
	{"kind+urgency/oldest", func(e listEnv) store.CaseFilter {
		return store.CaseFilter{Kind: model.KindDispute, Urgency: "urgent", Sort: store.SortOldest}
	}},
	{"all/page200", func(e listEnv) store.CaseFilter { return store.CaseFilter{Offset: 199 * 50} }},
	{"kind+urgency/page200", func(e listEnv) store.CaseFilter {
		return store.CaseFilter{Kind: model.KindDispute, Urgency: "urgent", Offset: 199 * 50}
	}},
	{"overdue/page200", func(e listEnv) store.CaseFilter { return store.CaseFilter{OverdueAt: e.now, Offset: 199 * 50} }},
}

// cpuTime is the CPU time the process has used: on SQLite the queries run in it.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCaseList is a filtered case list as /cases answers it — its first page,
// newest first, and its total (exact up to cases.MaxTotal) — for each shape of
// listShapes, for a county leader (the whole county) and a township clerk (their
// township); each reports its p50 and p95. ONEDOOR_BENCH_DB runs it over a store made
// by `onedoor demo -cases N` (with ONEDOOR_AUDIT_KEY, its key); ONEDOOR_BENCH_SHAPES
// (names, comma-separated) runs only those shapes. cpu-ms/op is the process's CPU
// time a list took: on SQLite, the queries'.
func BenchmarkCaseList(b *testing.B) {
	for _, d := range testutil.Dialects() {
		b.Run(fmt.Sprintf("%s/%dcases", d, benchCases()), func(b *testing.B) {
			st := benchSetup(b, d)
			svc := cases.New(st)
			ctx := context.Background()
			env := shapeEnv(b, st)
			for _, who := range []string{"county.leader", "fucheng.clerk"} {
				p := principal(b, st, who)
				for _, sh := range listShapes {
					if only := os.Getenv("ONEDOOR_BENCH_SHAPES"); only != "" && !slices.Contains(strings.Split(only, ","), sh.name) {
						continue
					}
					b.Run(who+"/"+sh.name, func(b *testing.B) {
						f := sh.f(env)
						f.Limit = 50
						var took []time.Duration
						total := 0
						cpu0 := cpuTime()
						for i := 0; i < b.N; i++ {
							start := time.Now()
							found, err := svc.Find(ctx, p, f, "")
							if err != nil {
								b.Fatal(err)
							}
							took = append(took, time.Since(start))
							total = found.Total
						}
						b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
						slices.Sort(took)
						b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
						b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
						b.ReportMetric(float64(total), "total")
					})
				}
			}
		})
	}
}

// shapeEnv finds the regions and categories the shapes name.
func shapeEnv(b *testing.B, st *store.Store) listEnv {
	ctx := context.Background()
	e := listEnv{now: time.Now()}
	for code, path := range map[string]*string{"622922100": &e.township, "622922100200": &e.village} {
		g, err := st.RegionByCode(ctx, code)
		if err != nil {
			b.Fatal(err)
		}
		*path = g.Path
	}
	regions, err := st.Regions(ctx, store.RegionFilter{})
	if err != nil {
		b.Fatal(err)
	}
	for _, g := range regions {
		if g.Level == model.LevelGrid && len(g.Path) > len(e.village) && g.Path[:len(e.village)] == e.village {
			e.grid = g.Path
			break
		}
	}
	cats, err := st.Categories(ctx, store.CategoryFilter{})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range cats {
		switch c.Code {
		case "dispute.neighbour":
			e.leafCategory = c.ID
		case "dispute.labour":
			e.parent = c.ID
		}
	}
	if e.grid == "" || e.leafCategory == 0 || e.parent == 0 {
		b.Fatalf("demo county incomplete: %+v", e)
	}
	return e
}
