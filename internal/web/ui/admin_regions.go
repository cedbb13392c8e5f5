package ui

import (
	"net/http"
	"strings"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// regionRow is a region with its depth below the admin's own region, for indenting.
type regionRow struct {
	model.Region
	Depth int
}

// Indent returns the depth as a CSS class suffix (0–5).
func (r regionRow) Indent() int { return min(r.Depth, 5) }

func treeRows(regions []model.Region, top model.Region) []regionRow {
	base := strings.Count(top.Path, "/")
	rows := make([]regionRow, len(regions))
	for i, g := range regions {
		rows[i] = regionRow{Region: g, Depth: strings.Count(g.Path, "/") - base}
	}
	return rows
}

// regionList shows the admin's region subtree as an indented table.
func (u *UI) regionList(w http.ResponseWriter, r *http.Request) {
	p := httpx.Principal(r)
	regions, err := u.Org.Regions(r.Context(), p, false)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	page := u.newPage(r, "regions.title")
	page.Active = "nav.regions"
	page.Data = treeRows(regions, p.Region)
	u.render(w, r, http.StatusOK, "admin_regions.html", page)
}
