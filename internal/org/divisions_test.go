package org_test

import (
	"context"
	"testing"

	"github.com/onedoor/onedoor/internal/divisions"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

func TestImportDivisionsBuildsKangle(t *testing.T) {
	all, err := divisions.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		res, err := org.ImportDivisions(ctx, st, divisions.Subtree(all, "622922"))
		if err != nil {
			t.Fatal(err)
		}
		if res.Added != 172 || res.Root.Name != "康乐县" || res.Root.ParentID != 0 || res.Root.Level != model.LevelCounty {
			t.Fatalf("first import: %+v", res)
		}
		root, err := st.RootRegion(ctx)
		if err != nil || root.Code != "622922" {
			t.Fatalf("root %+v %v", root, err)
		}
		suji, _ := st.RegionByCode(ctx, "622922101206")
		town, _ := st.RegionByCode(ctx, "622922101")
		if suji.Name != "苏集村" || suji.ParentID != town.ID || suji.Level != model.LevelVillage || town.Name != "苏集镇" {
			t.Fatalf("苏集村 %+v under %+v", suji, town)
		}
		// A grid the admin added under a village stays; a second import changes nothing.
		grid := model.Region{ParentID: suji.ID, Code: "62292210120601", Name: "苏集村第一网格", Level: model.LevelGrid}
		if err := st.CreateRegion(ctx, store.NotAudited("test fixture"), &grid); err != nil {
			t.Fatal(err)
		}
		again, err := org.ImportDivisions(ctx, st, divisions.Subtree(all, "622922"))
		if err != nil || again.Added != 0 || again.Renamed != 0 || again.Unchanged != 172 {
			t.Fatalf("second import: %+v %v", again, err)
		}
		rs, _ := st.Regions(ctx, store.RegionFilter{})
		if len(rs) != 173 {
			t.Fatalf("%d regions after two imports and a grid, want 173", len(rs))
		}
		audits, _ := st.AuditRows(ctx, store.AuditFilter{Action: "region.import", Limit: 5})
		if len(audits) != 1 {
			t.Fatalf("%d audit entries, want the first import's", len(audits))
		}
		// A subtree outside the root is refused; one inside it (a township) is taken.
		if _, err := org.ImportDivisions(ctx, st, divisions.Subtree(all, "622921")); err == nil {
			t.Fatal("临夏县 imported under 康乐县's root")
		}
		if res, err := org.ImportDivisions(ctx, st, divisions.Subtree(all, "622922103")); err != nil || res.Unchanged != 11 {
			t.Fatalf("景古镇 again: %+v %v", res, err)
		}
	})
}
