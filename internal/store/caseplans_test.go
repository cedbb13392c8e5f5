package store_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// Every filter of a case list is served by an index, on both stores: the list's
// count reads the filter's index, never the whole table (nor the whole table in the
// list's order), and so does the page of a list of few cases (Few) and the page of an
// equality filter, which walks its own index newest first. Asserted on the plans
// (EXPLAIN), not on time. Dropping one of migration 0035's indexes fails its shape.
func TestCaseListPlansUseIndexes(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, village, cats, _ := seededCounty(t, st, store.Actor{Name: "测试"})
		var leaf int64
		for _, c := range cats {
			if c.Code == "dispute.neighbour" {
				leaf = c.ID
			}
		}
		now := time.Now()
		// The whole county's scope, so that the filters' own indexes are all there is
		// (on a test's few rows PostgreSQL would read the scope's range instead).
		county := store.CaseScope{All: true}
		for _, tc := range []struct {
			name string
			f    store.CaseFilter
			cols []string // the filter's columns, one of which an index condition names
			walk bool     // the page walks the list's order (a large subtree): only the count is held
		}{
			{"kind", store.CaseFilter{Kind: model.KindDispute}, []string{"kind"}, false},
			{"kind+urgency", store.CaseFilter{Kind: model.KindDispute, Urgency: "urgent"}, []string{"kind", "urgency"}, false},
			{"urgency+channel", store.CaseFilter{Urgency: "critical", Channel: model.ChannelHotline}, []string{"urgency", "channel"}, false},
			{"state", store.CaseFilter{States: []string{"in_progress"}}, []string{"state"}, false},
			{"states", store.CaseFilter{States: []string{"registered", "accepted"}}, []string{"state"}, false},
			{"category", store.CaseFilter{CategoryID: leaf}, []string{"category_id"}, false},
			{"channel", store.CaseFilter{Channel: model.ChannelPhoto}, []string{"channel"}, false},
			{"overdue", store.CaseFilter{OverdueAt: now}, []string{"state", "due_at"}, false},
			{"kind+overdue", store.CaseFilter{Kind: model.KindHazard, OverdueAt: now}, []string{"state", "due_at", "kind"}, false},
			{"state+kind+channel", store.CaseFilter{States: []string{"registered"}, Kind: model.KindService, Channel: model.ChannelPhoto}, []string{"state", "kind", "channel"}, false},
			{"village", store.CaseFilter{Within: village.Path}, []string{"region_path"}, true},
			{"village+kind", store.CaseFilter{Within: village.Path, Kind: model.KindPetition}, []string{"region_path", "kind"}, false},
		} {
			for _, few := range []bool{false, true} {
				f := tc.f
				f.Few = few
				plans, err := st.ExplainCases(ctx, f, county)
				must(t, err)
				checkIndexed(t, st.Dialect(), tc.name+" count", plans.Count, tc.cols)
				if few || !tc.walk {
					checkIndexed(t, st.Dialect(), tc.name+" page", plans.Page, tc.cols)
				}
			}
		}
	})
}

// sqliteFullScan is a plan line reading the whole cases table: bare, or in the
// order of an index that no filter narrows.
var sqliteFullScan = regexp.MustCompile(`(?m)^SCAN c( USING (COVERING )?INDEX \w+)?$`)

// pgIndexCond is an index condition of a PostgreSQL plan.
var pgIndexCond = regexp.MustCompile(`(?m)(Index Cond|Recheck Cond): (.*)$`)

func checkIndexed(t *testing.T, d store.Dialect, what, plan string, cols []string) {
	t.Helper()
	if d == store.SQLite {
		if sqliteFullScan.MatchString(plan) || !strings.Contains(plan, "SEARCH c USING") {
			t.Errorf("%s reads every case:\n%s", what, plan)
		}
		return
	}
	if strings.Contains(plan, "Seq Scan on cases c") {
		t.Errorf("%s scans the table:\n%s", what, plan)
		return
	}
	for _, m := range pgIndexCond.FindAllStringSubmatch(plan, -1) {
		for _, c := range cols {
			if strings.Contains(m[2], c) {
				return
			}
		}
	}
	t.Errorf("%s: no index condition on %v:\n%s", what, cols, plan)
}

// Every combination of a list page's filters (state, kind, urgency, channel,
// category, region, overdue), for the whole county and for a township clerk's scope,
// newest first and oldest first, is counted and paged through an index of one of its
// filters, on both stores: a combination that falls back to walking every case
// fails here rather than in a timing. On SQLite the page is read in its index's order
// or its ids are sorted from a covering index, never the rows: a "TEMP B-TREE" sort
// over the table's rows read each matching case's row for a page of 50.
func TestEveryCaseListCombinationUsesIndexes(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, village, cats, _ := seededCounty(t, st, store.Actor{Name: "测试"})
		var leaf, parent int64
		for _, c := range cats {
			switch c.Code {
			case "dispute.neighbour":
				leaf = c.ID
			case "dispute.labour":
				parent = c.ID
			}
		}
		township := village.Path[:strings.LastIndex(strings.TrimSuffix(village.Path, "/"), "/")+1]
		now := time.Now()
		type filter struct {
			name string
			set  func(f *store.CaseFilter)
			col  string
		}
		filters := []filter{
			{"state", func(f *store.CaseFilter) { f.States = []string{"in_progress"} }, "state"},
			{"kind", func(f *store.CaseFilter) { f.Kind = model.KindDispute }, "kind"},
			{"urgency", func(f *store.CaseFilter) { f.Urgency = "urgent" }, "urgency"},
			{"channel", func(f *store.CaseFilter) { f.Channel = model.ChannelHotline }, "channel"},
			{"category", func(f *store.CaseFilter) { f.CategoryID = leaf }, "category_id"},
			{"village", func(f *store.CaseFilter) { f.Within = village.Path }, "region_path"},
			{"overdue", func(f *store.CaseFilter) { f.OverdueAt = now }, "due_at"},
		}
		// Several values of one filter: their index's cases are not in the list's order.
		variants := []filter{
			{"states", func(f *store.CaseFilter) { f.States = []string{"registered", "archived"} }, "state"},
			{"category-parent", func(f *store.CaseFilter) { f.CategoryID = parent }, "category_id"},
			{"region-only", func(f *store.CaseFilter) { f.Within, f.RegionOnly = village.Path, true }, "region_path"},
		}
		var combos [][]filter
		for mask := 1; mask < 1<<len(filters); mask++ {
			var c []filter
			for i, fl := range filters {
				if mask&(1<<i) != 0 {
					c = append(c, fl)
				}
			}
			combos = append(combos, c)
		}
		for _, v := range variants {
			combos = append(combos, []filter{v}, []filter{v, filters[1]})
		}
		scopes := []struct {
			name string
			sc   store.CaseScope
			col  string // the scope's own column, an index of which may serve too
		}{
			{"county", store.CaseScope{All: true}, ""},
			{"township clerk", store.CaseScope{RegionPath: township}, "region_path"},
		}
		for _, scope := range scopes {
			for _, combo := range combos {
				for _, sort := range []string{store.SortNewest, store.SortOldest} {
					f := store.CaseFilter{Sort: sort}
					var names, cols []string
					for _, fl := range combo {
						fl.set(&f)
						names = append(names, fl.name)
						cols = append(cols, fl.col)
					}
					if scope.col != "" {
						cols = append(cols, scope.col)
					}
					if f.OverdueAt.IsZero() == false {
						cols = append(cols, "state")
					}
					what := scope.name + " " + strings.Join(names, "+") + " " + sort
					for _, few := range []bool{false, true} {
						f.Few = few
						every, err := st.ExplainEveryListDriver(ctx, f, scope.sc)
						must(t, err)
						for i, plans := range every {
							checkIndexed(t, st.Dialect(), what+" count", plans.Count, cols)
							if i > 0 || st.Dialect() == store.Postgres {
								// The first is the walk of the list's order, tested
								// by the filters on the way.
								checkIndexed(t, st.Dialect(), what+" page", plans.Page, cols)
							}
							if st.Dialect() == store.SQLite && strings.Contains(plans.Page, "TEMP B-TREE") && !strings.Contains(plans.Page, "COVERING INDEX") {
								t.Errorf("%s page sorts the cases' rows:\n%s", what, plans.Page)
							}
						}
					}
				}
			}
		}
	})
}
