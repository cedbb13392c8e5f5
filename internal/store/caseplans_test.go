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
