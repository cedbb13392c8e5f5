package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Whatever index a filtered list is read through, it holds exactly the cases its
// filters name, in its order, page after page (by page number and by the keyset
// cursor), and its total is their number: each list is checked against the whole
// county's cases filtered here.
func TestFilteredListsHoldTheirCasesInOrder(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, village, _, _ := seededCounty(t, st, store.Actor{Name: "测试"})
		must(t, demo.GenerateCases(ctx, st, 400, 7))
		all := listAllCases(t, ctx, st, store.CaseFilter{}, store.CaseScope{All: true})
		if len(all) != 400 {
			t.Fatalf("%d cases listed of 400", len(all))
		}
		township := village.Path[:strings.LastIndex(strings.TrimSuffix(village.Path, "/"), "/")+1]
		now := time.Now()
		for _, tc := range []struct {
			name string
			f    store.CaseFilter
			keep func(c model.Case) bool
		}{
			{"kind", store.CaseFilter{Kind: model.KindDispute}, func(c model.Case) bool { return c.Kind == model.KindDispute }},
			{"kind+urgency", store.CaseFilter{Kind: model.KindDispute, Urgency: "urgent"}, func(c model.Case) bool { return c.Kind == model.KindDispute && c.Urgency == "urgent" }},
			{"states", store.CaseFilter{States: []string{"archived", "in_progress"}}, func(c model.Case) bool { return c.State == "archived" || c.State == "in_progress" }},
			{"township+channel", store.CaseFilter{Within: township, Channel: model.ChannelWalkIn}, func(c model.Case) bool {
				return strings.HasPrefix(c.RegionPath, township) && c.Channel == model.ChannelWalkIn
			}},
			{"township", store.CaseFilter{Within: township}, func(c model.Case) bool { return strings.HasPrefix(c.RegionPath, township) }},
			{"overdue", store.CaseFilter{OverdueAt: now}, func(c model.Case) bool {
				return workflow.State(c.State).Open() && c.DueAt != nil && c.DueAt.Before(now)
			}},
			{"overdue+urgency", store.CaseFilter{OverdueAt: now, Urgency: "normal"}, func(c model.Case) bool {
				return workflow.State(c.State).Open() && c.DueAt != nil && c.DueAt.Before(now) && c.Urgency == "normal"
			}},
		} {
			for _, sort := range []string{store.SortNewest, store.SortOldest} {
				var want []int64
				for _, c := range all {
					if tc.keep(c) {
						want = append(want, c.ID)
					}
				}
				if sort == store.SortOldest {
					slices.Reverse(want)
				}
				f := tc.f
				f.Sort = sort
				got := listAllCases(t, ctx, st, f, store.CaseScope{All: true})
				var ids []int64
				for _, c := range got {
					ids = append(ids, c.ID)
				}
				if !slices.Equal(ids, want) {
					t.Errorf("%s %s: %d cases listed, want %d (%v, want %v)", tc.name, sort, len(ids), len(want), ids, want)
				}
				n, _, err := st.CountListed(ctx, f, store.CaseScope{All: true}, 10000)
				must(t, err)
				if n != len(want) {
					t.Errorf("%s: counted %d, want %d", tc.name, n, len(want))
				}
				if sort == store.SortNewest {
					var byCursor []int64
					g := f
					g.Limit = 7
					for {
						page, err := st.Cases(ctx, g, store.CaseScope{All: true})
						must(t, err)
						for _, c := range page {
							byCursor = append(byCursor, c.ID)
						}
						if len(page) < g.Limit {
							break
						}
						g.Before = page[len(page)-1].ID
					}
					if !slices.Equal(byCursor, want) {
						t.Errorf("%s by the cursor: %v, want %v", tc.name, byCursor, want)
					}
				}
			}
		}
	})
}

// listAllCases reads every page of f's list by page number, 9 a page.
func listAllCases(t *testing.T, ctx context.Context, st *store.Store, f store.CaseFilter, sc store.CaseScope) []model.Case {
	t.Helper()
	var out []model.Case
	f.Limit = 9
	for {
		page, err := st.Cases(ctx, f, sc)
		must(t, err)
		out = append(out, page...)
		if len(page) < f.Limit {
			return out
		}
		f.Offset += f.Limit
	}
}
