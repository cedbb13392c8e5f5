package demo

import (
	"context"
	"fmt"

	"github.com/onedoor/onedoor/internal/divisions"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/store"
)

// ProvinceCode is the province `onedoor demo -province` builds: 甘肃省, whose 14
// cities and prefectures, 88 county-level divisions, 1,403 townships and 17,718
// villages the national division codes vendored in internal/divisions list; the demo
// county 康乐县 lies in it.
const ProvinceCode = "62"

// gridsPerVillage is how many grids the province's villages get (generated names and
// codes: the division codes stop at villages).
const gridsPerVillage = 2

// ProvinceAccounts are the accounts the province adds: a leader and a viewer of the
// whole province, whose dashboard counts every city.
func ProvinceAccounts() []Account {
	return []Account{
		{Username: "province.leader", Name: "省中心领导", Role: model.RoleLeader, RegionCode: ProvinceCode},
		{Username: "province.viewer", Name: "省中心查看", Role: model.RoleViewer, RegionCode: ProvinceCode},
	}
}

// SeedProvince builds the province-sized tree on an empty database: 甘肃省 from the
// division codes down to its villages, gridsPerVillage grids under each village,
// and in it the demo county with its staff and accounts (SeedCounty) and the
// province's own (ProvinceAccounts).
func SeedProvince(ctx context.Context, st *store.Store) error {
	n, err := st.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrNotEmpty
	}
	all, err := divisions.Bundled()
	if err != nil {
		return err
	}
	tree := divisions.Subtree(all, ProvinceCode)
	if len(tree) == 0 {
		return fmt.Errorf("demo: %s is not in the division codes", ProvinceCode)
	}
	if _, err := org.ImportDivisions(ctx, st, tree); err != nil {
		return err
	}
	villages, err := st.Regions(ctx, store.RegionFilter{})
	if err != nil {
		return err
	}
	gridded := map[string]bool{}
	for _, t := range townships {
		for _, v := range t.villages {
			gridded[v] = true // SeedCounty draws these
		}
	}
	err = st.InTx(ctx, store.NotAudited("the demo province's generated grids"), func(tx *store.Tx) error {
		for _, v := range villages {
			if v.Level != model.LevelVillage || gridded[v.Code] {
				continue
			}
			for gi := range gridsPerVillage {
				grid := model.Region{ParentID: v.ID, Code: fmt.Sprintf("%s%02d", v.Code, gi+1), Name: fmt.Sprintf("%s第%d网格", v.Name, gi+1), Level: model.LevelGrid}
				if err := tx.CreateRegion(ctx, &grid); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return SeedCounty(ctx, st)
}
