package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// A subtree is bounded by its path's closing "/": region 2's scope ("/1/2/") must
// not reach region 20 ("/1/20/"), whose path begins with the same characters. Every
// query that takes a subtree is tried with such a pair of sibling townships.
func TestSubtreeEndsAtItsPathsClosingSlash(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		county := createCounty(t, st)
		town := model.Region{ParentID: county.ID, Code: "622922100", Name: "附城镇", Level: model.LevelTownship}
		must(t, st.CreateRegion(ctx, store.NotAudited("test fixture"), &town))
		// Siblings until one's path begins as the town's does without its "/".
		var twin model.Region
		for i := 1; !strings.HasPrefix(twin.Path, strings.TrimSuffix(town.Path, "/")); i++ {
			if i > 200 {
				t.Fatalf("no sibling of %s begins as it does after 200 regions", town.Path)
			}
			twin = model.Region{ParentID: county.ID, Code: fmt.Sprintf("622922%03d", 100+i), Name: fmt.Sprintf("镇%d", i), Level: model.LevelTownship}
			must(t, st.CreateRegion(ctx, store.NotAudited("test fixture"), &twin))
		}
		t.Logf("town %s, twin %s", town.Path, twin.Path)

		cats, err := st.Categories(ctx, store.CategoryFilter{})
		must(t, err)
		var ids = map[string]int64{}
		for _, g := range []model.Region{town, twin} {
			c := newVillageCase("SUBTREE"+g.Code[6:], g, cats[0], time.Now().UTC().Truncate(time.Microsecond))
			c.RiskLevel, c.CentreID = "yellow", g.ID
			must(t, st.InTx(ctx, store.NotAudited("test fixture"), func(tx *store.Tx) error { return tx.InsertCase(ctx, c) }))
			ids[g.Code] = c.ID
			d := model.Department{RegionID: g.ID, Code: "justice-office", Name: g.Name + "司法所"}
			must(t, st.CreateDepartment(ctx, store.NotAudited("test fixture"), &d))
			u := model.User{Username: "clerk" + g.Code, DisplayName: "受理员", RegionID: g.ID, Roles: []model.Role{model.RoleClerk}}
			must(t, st.CreateUser(ctx, store.NotAudited("test fixture"), &u, "x"))
		}

		for _, small := range []bool{false, true} {
			scope := store.CaseScope{RegionPath: town.Path, Small: small}
			got, err := st.Cases(ctx, store.CaseFilter{Limit: 100}, scope)
			must(t, err)
			if len(got) != 1 || got[0].ID != ids[town.Code] {
				t.Errorf("cases in %s's scope (small %v): %v, want only its own case %d", town.Path, small, caseIDs(got), ids[town.Code])
			}
			if _, err := st.Case(ctx, ids[twin.Code], scope); err == nil {
				t.Errorf("the twin's case %d is found in %s's scope (small %v)", ids[twin.Code], town.Path, small)
			}
			warned, err := st.Warnings(ctx, store.WarningFilter{Limit: 100}, scope)
			must(t, err)
			if len(warned) != 1 || warned[0].ID != ids[town.Code] {
				t.Errorf("%d warnings in %s's scope (small %v), want only its own case's", len(warned), town.Path, small)
			}
			counts, err := st.WarningCounts(ctx, scope)
			must(t, err)
			for _, c := range counts {
				if strings.HasPrefix(c.RegionPath, twin.Path) {
					t.Errorf("warning counts in %s's scope count %s", town.Path, c.RegionPath)
				}
			}
		}
		within, err := st.Cases(ctx, store.CaseFilter{Within: town.Path, Limit: 100}, store.CaseScope{All: true})
		must(t, err)
		if len(within) != 1 || within[0].ID != ids[town.Code] {
			t.Errorf("cases within %s: %v, want only its own", town.Path, caseIDs(within))
		}
		regions, err := st.Regions(ctx, store.RegionFilter{Within: town.Path})
		must(t, err)
		if len(regions) != 1 || regions[0].ID != town.ID {
			t.Errorf("regions within %s: %+v", town.Path, regions)
		}
		deps, err := st.Departments(ctx, store.DepartmentFilter{Within: town.Path})
		must(t, err)
		if len(deps) != 1 || deps[0].RegionID != town.ID {
			t.Errorf("departments within %s: %+v", town.Path, deps)
		}
		users, err := st.Users(ctx, store.UserFilter{Within: town.Path})
		must(t, err)
		if len(users) != 1 || users[0].RegionID != town.ID {
			t.Errorf("users within %s: %+v", town.Path, users)
		}
	})
}

func caseIDs(cs []model.Case) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}
