package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/search"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// An export reads the list's rows, no more and no fewer, in the list's order, across
// its batches (three cases a batch here): for each scope, filter and order, the
// cases EachLedgerCase hands out are Cases' whole list and as many as CountListed
// counts. Registration order and id order disagree and cases share a registration
// time (the cursor's tie), one case is listed twice by a department holding two live
// assignments of it, and each row carries its parties and its lead department.
func TestEachLedgerCaseIsTheList(t *testing.T) {
	defer store.SetLedgerBatch(store.SetLedgerBatch(3))
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		county := createCounty(t, st)
		town := model.Region{ParentID: county.ID, Code: "622922100", Name: "附城镇", Level: model.LevelTownship}
		must(t, st.CreateRegion(ctx, store.NotAudited("test fixture"), &town))
		other := model.Region{ParentID: county.ID, Code: "622922101", Name: "苏集镇", Level: model.LevelTownship}
		must(t, st.CreateRegion(ctx, store.NotAudited("test fixture"), &other))
		dept := model.Department{RegionID: town.ID, Code: "justice-office", Name: "附城司法所"}
		must(t, st.CreateDepartment(ctx, store.NotAudited("test fixture"), &dept))
		cats, err := st.Categories(ctx, store.CategoryFilter{})
		must(t, err)

		base := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
		hoursAgo := []int{1, 5, 0, 5, 3, 30, 5, 2, 7, 1, 4, 0, 9, 5}
		lead := map[int64]int64{}
		parties := map[int64]int{}
		for i, h := range hoursAgo {
			at := base.Add(-time.Duration(h) * time.Hour)
			where := town
			if i%4 == 3 {
				where = other
			}
			c := newVillageCase(fmt.Sprintf("LEDGER%d", i), where, cats[0], at)
			c.Title = "宅基地纠纷 " + c.Title
			if i%3 == 0 {
				c.Urgency = "urgent"
			}
			for j := 0; j < i%3; j++ {
				c.Parties = append(c.Parties, model.Party{Role: "applicant", Name: fmt.Sprintf("马某%d", j), Phone: "1389300778" + fmt.Sprint(j)})
			}
			must(t, st.InTx(ctx, store.NotAudited("test fixture"), func(tx *store.Tx) error {
				if err := tx.InsertCase(ctx, c); err != nil {
					return err
				}
				if i%2 == 1 {
					return nil
				}
				a := model.Assignment{CaseID: c.ID, DepartmentID: dept.ID, IsLead: true, Status: model.AssignmentAssigned, AssignedAt: at}
				if err := tx.InsertAssignment(ctx, &a); err != nil {
					return err
				}
				if i == 4 {
					// The department is also its co-handler: its list holds the case twice.
					co := model.Assignment{CaseID: c.ID, DepartmentID: dept.ID, Status: model.AssignmentAssigned, AssignedAt: at}
					return tx.InsertAssignment(ctx, &co)
				}
				return nil
			}))
			parties[c.ID] = len(c.Parties)
			if i%2 == 0 {
				lead[c.ID] = dept.ID
			}
		}

		scopes := map[string]store.CaseScope{
			"county":     {All: true},
			"region":     {RegionPath: town.Path},
			"department": {DepartmentID: dept.ID},
		}
		filters := map[string]store.CaseFilter{
			"all":     {},
			"oldest":  {Sort: store.SortOldest},
			"due":     {Sort: store.SortDue},
			"urgent":  {Urgency: "urgent"},
			"within":  {Within: other.Path},
			"words":   {Text: search.Parse("宅基地")},
			"nothing": {Urgency: "low"},
		}
		for sname, sc := range scopes {
			for fname, f := range filters {
				f.Limit = 200
				list, err := st.Cases(ctx, f, sc)
				must(t, err)
				count, _, err := st.CountListed(ctx, f, sc, 1000)
				must(t, err)
				var got []int64
				n, err := st.EachLedgerCase(ctx, f, sc, func(batch []store.LedgerCase) error {
					for _, c := range batch {
						got = append(got, c.ID)
						if len(c.Parties) != parties[c.ID] || c.LeadDepartment != lead[c.ID] || c.Title == "" || c.CreatedAt.IsZero() {
							t.Errorf("%s %s: case %d read as %+v", sname, fname, c.ID, c)
						}
					}
					return nil
				})
				must(t, err)
				if want := caseIDs(list); !slices.Equal(got, want) || n != len(want) || n != count {
					t.Errorf("%s %s: exported %v (%d), the list %v, its count %d", sname, fname, got, n, want, count)
				}
				if fname == "all" && len(got) < 4 {
					t.Errorf("%s: %d cases, too few to cross the batches", sname, len(got))
				}
				// A write that fails stops the reading: the batch read ahead is dropped.
				if fname == "all" {
					stop := errors.New("the client went away")
					n, err := st.EachLedgerCase(ctx, f, sc, func([]store.LedgerCase) error { return stop })
					if n != 3 || !errors.Is(err, stop) {
						t.Errorf("%s: a failed write stopped after %d cases with %v", sname, n, err)
					}
				}
			}
		}
	})
}
