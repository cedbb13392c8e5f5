package org

import (
	"context"
	"fmt"

	"github.com/onedoor/onedoor/internal/divisions"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// DivisionsImport is what ImportDivisions did.
type DivisionsImport struct {
	Root      model.Region // the subtree's top, as stored
	Added     int
	Renamed   int
	Unchanged int
}

// ImportDivisions builds the region tree from the national division codes of one
// subtree (divisions.Subtree: a province, a city, a county, a township), in one
// audited transaction. A division whose code is stored already is kept, renamed if
// its name changed; a new one goes under the nearest stored division above it (a
// level may be missing). The subtree's top becomes the deployment's root when there
// are no regions yet; otherwise it must be the root, or lie under a stored region.
// Grids, which have no national code, are the admin's and are left alone; so are
// regions the codes no longer list. Running it again changes nothing.
func ImportDivisions(ctx context.Context, st *store.Store, sub []divisions.Division) (DivisionsImport, error) {
	var out DivisionsImport
	if len(sub) == 0 {
		return out, fmt.Errorf("regions import: no divisions")
	}
	existing, err := st.Regions(ctx, store.RegionFilter{})
	if err != nil {
		return out, err
	}
	byCode := map[string]model.Region{}
	for _, g := range existing {
		byCode[g.Code] = g
	}
	top := sub[0]
	if _, ok := byCode[top.Code]; !ok && len(existing) > 0 {
		if _, ok := parentOf(top, byCode); !ok {
			root, _ := st.RootRegion(ctx)
			return out, fmt.Errorf("regions import: %s %s lies outside the deployment's root %s %s", top.Code, top.Name, root.Code, root.Name)
		}
	}
	for _, d := range sub {
		g, ok := byCode[d.Code]
		switch {
		case !ok:
			out.Added++
		case g.Name != d.Name:
			out.Renamed++
		default:
			out.Unchanged++
		}
	}
	summary := fmt.Sprintf("按全国区划代码导入 %s %s：新增 %d，更名 %d，未变 %d", top.Code, top.Name, out.Added, out.Renamed, out.Unchanged)
	e := store.Audited("region.import", "region:"+top.Code, summary)
	if out.Added == 0 && out.Renamed == 0 {
		e = store.NotAudited("a region import that changes nothing")
	}
	err = st.InTx(ctx, e, func(tx *store.Tx) error {
		for _, d := range sub {
			g, ok := byCode[d.Code]
			if ok {
				if g.Name != d.Name {
					if err := tx.RenameRegion(ctx, g.ID, d.Name); err != nil {
						return err
					}
					g.Name = d.Name
					byCode[d.Code] = g
				}
				continue
			}
			parent, _ := parentOf(d, byCode)
			if parent.ID == 0 && len(byCode) > 0 {
				return fmt.Errorf("regions import: no parent for %s %s", d.Code, d.Name)
			}
			g = model.Region{ParentID: parent.ID, Code: d.Code, Name: d.Name, Level: d.Level}
			if err := tx.CreateRegion(ctx, &g); err != nil {
				return fmt.Errorf("regions import: %s %s: %w", d.Code, d.Name, err)
			}
			byCode[d.Code] = g
		}
		return nil
	})
	out.Root = byCode[top.Code]
	return out, err
}

// parentOf is the nearest stored division above d.
func parentOf(d divisions.Division, byCode map[string]model.Region) (model.Region, bool) {
	for p := d.Parent(); p != ""; p = (divisions.Division{Code: p}).Parent() {
		if g, ok := byCode[p]; ok {
			return g, true
		}
	}
	return model.Region{}, false
}
