package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

func TestMigrateIsIdempotent(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		v, err := st.SchemaVersion(ctx)
		if err != nil || v < 2 {
			t.Fatalf("schema version = %d, %v; want ≥ 2", v, err)
		}
		n, err := st.Migrate(ctx, nil)
		if err != nil || n != 0 {
			t.Fatalf("second migrate applied %d, %v; want 0, nil", n, err)
		}
		if err := st.Ping(ctx); err != nil {
			t.Fatalf("ping: %v", err)
		}
	})
}

func TestRegionTree(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		county := createCounty(t, st)
		town := model.Region{ParentID: county.ID, Code: "622922100", Name: "附城镇", Level: model.LevelTownship}
		must(t, st.CreateRegion(ctx, store.NotAudited("test fixture"), &town))
		// A level may be skipped: a grid straight under a township.
		grid := model.Region{ParentID: town.ID, Code: "62292210001", Name: "一网格", Level: model.LevelGrid}
		must(t, st.CreateRegion(ctx, store.NotAudited("test fixture"), &grid))
		other := model.Region{ParentID: county.ID, Code: "622922101", Name: "苏集镇", Level: model.LevelTownship}
		must(t, st.CreateRegion(ctx, store.NotAudited("test fixture"), &other))

		if !strings.HasPrefix(grid.Path, town.Path) || !strings.HasPrefix(town.Path, county.Path) {
			t.Fatalf("paths do not nest: %q %q %q", county.Path, town.Path, grid.Path)
		}
		sub, err := st.Regions(ctx, store.RegionFilter{Within: town.Path})
		must(t, err)
		if len(sub) != 2 || sub[0].ID != town.ID || sub[1].ID != grid.ID {
			t.Fatalf("subtree of town = %+v", sub)
		}

		tests := []struct {
			name string
			g    model.Region
			want string
		}{
			{"duplicate code", model.Region{ParentID: county.ID, Code: "622922100", Name: "x", Level: model.LevelTownship}, "exists"},
			{"level above parent", model.Region{ParentID: town.ID, Code: "1", Name: "x", Level: model.LevelCity}, "below_parent"},
			{"same level as parent", model.Region{ParentID: town.ID, Code: "2", Name: "x", Level: model.LevelTownship}, "below_parent"},
			{"missing parent", model.Region{ParentID: 99999, Code: "3", Name: "x", Level: model.LevelGrid}, "not found"},
		}
		for _, tc := range tests {
			err := st.CreateRegion(ctx, store.NotAudited("test fixture"), &tc.g)
			var fe *model.FieldError
			got := ""
			if errors.As(err, &fe) {
				got = fe.Code
			} else if err != nil {
				got = err.Error()
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
			}
		}

		// Deactivation, never deletion; a parent with active children stays active.
		if err := st.SetRegionActive(ctx, store.NotAudited("test fixture"), town.ID, false); err == nil {
			t.Fatal("deactivated a township with an active grid")
		}
		must(t, st.SetRegionActive(ctx, store.NotAudited("test fixture"), grid.ID, false))
		must(t, st.SetRegionActive(ctx, store.NotAudited("test fixture"), town.ID, false))
		active, err := st.Regions(ctx, store.RegionFilter{ActiveOnly: true})
		must(t, err)
		if len(active) != 2 {
			t.Fatalf("active regions = %d, want 2 (county, other township)", len(active))
		}
		g, err := st.Region(ctx, town.ID)
		must(t, err)
		if g.Active {
			t.Fatal("township still active")
		}
		if err := st.UpdateRegion(ctx, store.NotAudited("test fixture"), other.ID, "622922100", "苏集镇"); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("rename to a taken code: %v, want ErrConflict", err)
		}
	})
}

func TestUsersDepartmentsCategories(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		county := createCounty(t, st)
		dep := model.Department{RegionID: county.ID, Code: "hrss", Name: "县人社局"}
		must(t, st.CreateDepartment(ctx, store.NotAudited("test fixture"), &dep))
		if err := st.CreateDepartment(ctx, store.NotAudited("test fixture"), &model.Department{RegionID: county.ID, Code: "hrss", Name: "again"}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate department: %v", err)
		}
		u := model.User{Username: "wang", DisplayName: "王海燕", RegionID: county.ID, DepartmentID: dep.ID,
			Roles: []model.Role{model.RoleHandler, model.RoleClerk}}
		must(t, st.CreateUser(ctx, store.NotAudited("test fixture"), &u, "hash1"))
		got, hash, err := st.UserCredentials(ctx, "wang")
		must(t, err)
		if hash != "hash1" || got.DepartmentID != dep.ID || len(got.Roles) != 2 || got.Roles[0] != model.RoleClerk {
			t.Fatalf("user = %+v hash %q", got, hash)
		}
		u.Roles = []model.Role{model.RoleMediator}
		u.DepartmentID = 0
		must(t, st.UpdateUser(ctx, store.NotAudited("test fixture"), &u))
		got, err = st.User(ctx, u.ID)
		must(t, err)
		if got.DepartmentID != 0 || len(got.Roles) != 1 || got.Roles[0] != model.RoleMediator {
			t.Fatalf("updated user = %+v", got)
		}
		list, err := st.Users(ctx, store.UserFilter{Role: model.RoleMediator})
		must(t, err)
		if len(list) != 1 {
			t.Fatalf("mediators = %d", len(list))
		}
		must(t, st.SetUserActive(ctx, store.NotAudited("test fixture"), u.ID, false))
		if list, _ := st.Users(ctx, store.UserFilter{ActiveOnly: true}); len(list) != 0 {
			t.Fatalf("active users after deactivation = %d", len(list))
		}

		cats, err := st.Categories(ctx, store.CategoryFilter{Kind: model.KindDispute})
		must(t, err)
		if len(cats) < 16 || cats[0].Name != "婚姻家庭" || cats[1].ParentID != cats[0].ID {
			t.Fatalf("default dispute categories start %+v", cats[:2])
		}
		sub := model.Category{Kind: model.KindHazard, ParentID: cats[0].ID, Code: "x.y", Name: "错类"}
		var fe *model.FieldError
		if err := st.CreateCategory(ctx, store.NotAudited("test fixture"), &sub); !errors.As(err, &fe) || fe.Code != "kind_mismatch" {
			t.Fatalf("category under another kind: %v", err)
		}
		deep := model.Category{Kind: model.KindDispute, ParentID: cats[1].ID, Code: "x.z", Name: "三级"}
		if err := st.CreateCategory(ctx, store.NotAudited("test fixture"), &deep); !errors.As(err, &fe) || fe.Code != "too_deep" {
			t.Fatalf("third-level category: %v", err)
		}
		// Category and Region are read through a cache; a change this process makes
		// is seen at once, by the change's own row and by the children it carried along.
		for _, c := range cats[:2] {
			if got, err := st.Category(ctx, c.ID); err != nil || !got.Active {
				t.Fatalf("category %d before deactivation: %+v %v", c.ID, got, err)
			}
		}
		must(t, st.SetCategoryActive(ctx, store.NotAudited("test fixture"), cats[0].ID, false))
		for _, c := range cats[:2] {
			if got, err := st.Category(ctx, c.ID); err != nil || got.Active {
				t.Fatalf("category %d after deactivation: %+v %v", c.ID, got, err)
			}
		}
		must(t, st.UpdateCategory(ctx, store.NotAudited("test fixture"), cats[1].ID, cats[1].Code, "改名", 1))
		if got, _ := st.Category(ctx, cats[1].ID); got.Name != "改名" {
			t.Fatalf("renamed category read as %q", got.Name)
		}
		if got, _ := st.Region(ctx, county.ID); got.Name != "康乐县" {
			t.Fatalf("county read as %q", got.Name)
		}
		must(t, st.UpdateRegion(ctx, store.NotAudited("test fixture"), county.ID, county.Code, "康乐"))
		if got, _ := st.Region(ctx, county.ID); got.Name != "康乐" {
			t.Fatalf("renamed county read as %q", got.Name)
		}
		// So are the category lists and a region's children: a new one is listed at
		// once, and a caller changing its copy of a list changes nobody else's.
		children := func() []model.Region {
			t.Helper()
			list, err := st.Regions(ctx, store.RegionFilter{ParentID: county.ID, ActiveOnly: true})
			must(t, err)
			return list
		}
		if len(children()) != 0 {
			t.Fatal("the county has children before any was made")
		}
		town := model.Region{ParentID: county.ID, Code: "622922100", Name: "附城镇", Level: model.LevelTownship}
		must(t, st.CreateRegion(ctx, store.NotAudited("test fixture"), &town))
		if list := children(); len(list) != 1 || list[0].Name != "附城镇" {
			t.Fatalf("children after a new township: %+v", list)
		} else {
			list[0].Name = "改过的副本"
		}
		if list := children(); list[0].Name != "附城镇" {
			t.Fatalf("a caller's change to its list reached the cache: %q", list[0].Name)
		}
		must(t, st.SetRegionActive(ctx, store.NotAudited("test fixture"), town.ID, false))
		if len(children()) != 0 {
			t.Fatal("a deactivated township is still listed among the active children")
		}
		before, err := st.Categories(ctx, store.CategoryFilter{Kind: model.KindHazard})
		must(t, err)
		extra := model.Category{Kind: model.KindHazard, Code: "hazard.test", Name: "新增隐患类"}
		must(t, st.CreateCategory(ctx, store.NotAudited("test fixture"), &extra))
		if after, err := st.Categories(ctx, store.CategoryFilter{Kind: model.KindHazard}); err != nil || len(after) != len(before)+1 {
			t.Fatalf("hazard categories after adding one: %d, want %d (%v)", len(after), len(before)+1, err)
		}
		after, err := st.Categories(ctx, store.CategoryFilter{Kind: model.KindDispute, ActiveOnly: true})
		must(t, err)
		for _, c := range after {
			if c.ID == cats[0].ID || c.ParentID == cats[0].ID {
				t.Fatalf("deactivated category or its child still listed: %+v", c)
			}
		}
	})
}

// firstVillage is a village of a store seeded with the demo county.
func firstVillage(t *testing.T, st *store.Store) model.Region {
	t.Helper()
	regions, err := st.Regions(context.Background(), store.RegionFilter{})
	must(t, err)
	for _, r := range regions {
		if r.Level == model.LevelVillage {
			return r
		}
	}
	t.Fatal("no village")
	return model.Region{}
}

// seededCounty gives st the demo county, and returns what a test writes cases with: a
// context acting as actor, the county's first village, the categories, and now.
func seededCounty(t *testing.T, st *store.Store, actor store.Actor) (context.Context, model.Region, []model.Category, time.Time) {
	t.Helper()
	ctx := store.WithActor(context.Background(), actor)
	if err := demo.SeedCounty(ctx, st); err != nil {
		t.Fatal(err)
	}
	cats, err := st.Categories(ctx, store.CategoryFilter{})
	must(t, err)
	return ctx, firstVillage(t, st), cats, time.Now().UTC().Truncate(time.Microsecond)
}

// newVillageCase is a registered dispute at village, of category cat, at at.
func newVillageCase(code string, village model.Region, cat model.Category, at time.Time) *model.Case {
	return &model.Case{TrackingCode: code, Kind: model.KindDispute, CategoryID: cat.ID, CategoryCode: cat.Code,
		Channel: model.ChannelWalkIn, RegionID: village.ID, RegionPath: village.Path, CentreID: village.ParentID,
		Title: code, Description: "测试案件 " + code, Urgency: "normal", PeopleCount: 1, State: "registered",
		CreatedAt: at, UpdatedAt: at, RiskLevel: "none", RiskComputed: "none"}
}

// createCounty makes the root region of a store: 康乐县.
func createCounty(t *testing.T, st *store.Store) model.Region {
	t.Helper()
	county := model.Region{Code: "622922", Name: "康乐县", Level: model.LevelCounty}
	must(t, st.CreateRegion(context.Background(), store.NotAudited("test fixture"), &county))
	return county
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
