package demo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// `onedoor demo -province` builds 甘肃省 from the division codes: its 14 cities, 88
// county-level divisions, 1,403 townships and 17,718 villages, two grids a village,
// with the demo county and its accounts inside it and a province leader at its root;
// a second run refuses, as the county's does.
func TestSeedProvinceBuildsTheProvinceAroundTheCounty(t *testing.T) {
	ctx := context.Background()
	st := testutil.NewStore(t, store.SQLite)
	if err := demo.SeedProvince(ctx, st); err != nil {
		t.Fatal(err)
	}
	regions, err := st.Regions(ctx, store.RegionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	levels := map[model.RegionLevel]int{}
	for _, r := range regions {
		levels[r.Level]++
	}
	want := map[model.RegionLevel]int{model.LevelProvince: 1, model.LevelCity: 14, model.LevelCounty: 88, model.LevelTownship: 1403,
		model.LevelVillage: 17718, model.LevelGrid: 2 * 17718}
	for l, n := range want {
		if levels[l] != n {
			t.Errorf("%d regions of level %s, want %d", levels[l], l, n)
		}
	}
	province, err := st.RegionByCode(ctx, demo.ProvinceCode)
	if err != nil {
		t.Fatal(err)
	}
	county, err := st.RegionByCode(ctx, demo.CountyCode)
	if err != nil {
		t.Fatal(err)
	}
	if province.ParentID != 0 || !strings.HasPrefix(county.Path, province.Path) || county.Path == province.Path {
		t.Fatalf("the county %s does not lie under the province %s", county.Path, province.Path)
	}
	users, err := st.Users(ctx, store.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]int64{}
	for _, u := range users {
		byName[u.Username] = u.RegionID
	}
	if byName["province.leader"] != province.ID || byName["county.leader"] != county.ID || len(users) != len(demo.Accounts())+len(demo.ProvinceAccounts()) {
		t.Fatalf("accounts: %v", byName)
	}
	if err := demo.SeedProvince(ctx, st); err != demo.ErrNotEmpty {
		t.Fatalf("a second province: %v", err)
	}
}
