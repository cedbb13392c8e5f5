package ui

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

type departmentRow struct {
	model.Department
	RegionName string
}

// departmentList shows the departments of the admin's subtree, grouped by region.
func (u *UI) departmentList(w http.ResponseWriter, r *http.Request) {
	p := httpx.Principal(r)
	deps, err := u.Org.Departments(r.Context(), p, false)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	names, err := u.regionNames(r)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	rows := make([]departmentRow, len(deps))
	for i, d := range deps {
		rows[i] = departmentRow{Department: d, RegionName: names[d.RegionID]}
	}
	page := u.newPage(r, "departments.title")
	page.Active = "nav.departments"
	page.Data = rows
	u.render(w, r, http.StatusOK, "admin_departments.html", page)
}

// regionNames maps the ids of the admin's subtree to region names.
func (u *UI) regionNames(r *http.Request) (map[int64]string, error) {
	regions, err := u.Org.Regions(r.Context(), httpx.Principal(r), false)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]string, len(regions))
	for _, g := range regions {
		m[g.ID] = g.Name
	}
	return m, nil
}
