package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// Case lists read newest registered (登记时间) first, not by id: imported and
// back-entered cases get ids after cases registered later. The cases here are
// inserted so that id order and registration order disagree (and two share a
// registration time), and every way a list is read — the county's, a region's, a
// department's through its assignments, its work queue — must give the same order,
// page by page through the cursor and by page numbers.
func TestCaseListsNewestRegisteredFirst(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		county := createCounty(t, st)
		town := model.Region{ParentID: county.ID, Code: "622922100", Name: "附城镇", Level: model.LevelTownship}
		must(t, st.CreateRegion(ctx, store.NotAudited("test fixture"), &town))
		dept := model.Department{RegionID: town.ID, Code: "justice-office", Name: "附城司法所"}
		must(t, st.CreateDepartment(ctx, store.NotAudited("test fixture"), &dept))
		cats, err := st.Categories(ctx, store.CategoryFilter{})
		must(t, err)

		base := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
		hoursAgo := []int{1, 5, 0, 5, 3, 30} // in order of insertion, so of id
		var ids []int64
		for i, h := range hoursAgo {
			at := base.Add(-time.Duration(h) * time.Hour)
			c := newVillageCase(fmt.Sprintf("ORDER%d", i), town, cats[0], at)
			c.CentreID = town.ID
			must(t, st.InTx(ctx, store.NotAudited("test fixture"), func(tx *store.Tx) error {
				if err := tx.InsertCase(ctx, c); err != nil {
					return err
				}
				a := model.Assignment{CaseID: c.ID, DepartmentID: dept.ID, IsLead: true, Status: model.AssignmentAssigned, AssignedAt: at}
				return tx.InsertAssignment(ctx, &a)
			}))
			ids = append(ids, c.ID)
		}
		// Registered 0h, 1h, 3h, 5h (the later id first), 5h, 30h ago.
		want := []int64{ids[2], ids[0], ids[4], ids[3], ids[1], ids[5]}
		byID := slices.Clone(ids)
		slices.Reverse(byID)
		if slices.Equal(want, byID) {
			t.Fatal("the fixture's registration order is its id order; it tells nothing")
		}

		scopes := map[string]store.CaseScope{
			"county":     {All: true},
			"region":     {RegionPath: town.Path},
			"department": {DepartmentID: dept.ID},
		}
		for name, sc := range scopes {
			filters := map[string]store.CaseFilter{"list": {}}
			if name == "department" {
				filters["queue"] = store.CaseFilter{Queue: &store.Queue{DepartmentID: dept.ID}}
			}
			for fname, f := range filters {
				f.Limit = 100
				got, err := st.Cases(ctx, f, sc)
				must(t, err)
				if !slices.Equal(caseIDs(got), want) {
					t.Errorf("%s %s: %v, want newest registered first %v", name, fname, caseIDs(got), want)
				}
				// Two at a time, through the cursor and through page numbers.
				var cursor, paged []int64
				f.Limit = 2
				for page := 0; page < 4; page++ {
					g, err := st.Cases(ctx, f, sc)
					must(t, err)
					cursor = append(cursor, caseIDs(g)...)
					if len(g) == 0 {
						break
					}
					f.Before = g[len(g)-1].ID
				}
				f.Before = 0
				for page := 0; page < 4; page++ {
					f.Offset = page * 2
					g, err := st.Cases(ctx, f, sc)
					must(t, err)
					paged = append(paged, caseIDs(g)...)
				}
				if !slices.Equal(cursor, want) || !slices.Equal(paged, want) {
					t.Errorf("%s %s two a page: by cursor %v, by page number %v, want %v", name, fname, cursor, paged, want)
				}
			}
		}
		oldest, err := st.Cases(ctx, store.CaseFilter{Sort: store.SortOldest, Limit: 100}, store.CaseScope{All: true})
		must(t, err)
		rev := slices.Clone(want)
		slices.Reverse(rev)
		if !slices.Equal(caseIDs(oldest), rev) {
			t.Errorf("oldest first: %v, want %v", caseIDs(oldest), rev)
		}
	})
}
