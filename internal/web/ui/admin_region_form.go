package ui

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

type regionForm struct {
	Region  *model.Region // nil when creating
	Parents []regionRow
	Levels  []model.RegionLevel
}

func (u *UI) renderRegionForm(w http.ResponseWriter, r *http.Request, status int, g *model.Region, err error) {
	p := httpx.Principal(r)
	parents, lerr := u.Org.Regions(r.Context(), p, true)
	if lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	var parentRows []regionRow
	for _, row := range treeRows(parents, p.Region) {
		if row.Level != model.LevelGrid {
			parentRows = append(parentRows, row)
		}
	}
	title := "regions.new"
	if g != nil {
		title = "regions.edit"
	}
	page := u.newPage(r, title)
	page.Active = "nav.regions"
	page.Data = regionForm{Region: g, Parents: parentRows, Levels: model.AllLevels[1:]}
	if err != nil {
		u.formError(w, r, "admin_region_form.html", page, err)
		return
	}
	if g != nil {
		page.Form = map[string][]string{"code": {g.Code}, "name": {g.Name}}
	} else {
		page.Form = map[string][]string{"parent_id": {httpx.PageQuery(r).String("parent_id")}} // a preselection the form checks
	}
	u.render(w, r, status, "admin_region_form.html", page)
}

func (u *UI) regionNew(w http.ResponseWriter, r *http.Request) {
	u.renderRegionForm(w, r, http.StatusOK, nil, nil)
}

func (u *UI) regionCreate(w http.ResponseWriter, r *http.Request) {
	parentID, err := httpx.FormInt(r, "parent_id")
	if err == nil {
		in := org.RegionInput{ParentID: parentID, Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), Level: model.RegionLevel(r.PostFormValue("level"))}
		_, err = u.Org.CreateRegion(r.Context(), httpx.Principal(r), in)
	}
	if err != nil {
		u.renderRegionForm(w, r, 0, nil, err)
		return
	}
	redirect(w, r, "/admin/regions", "saved")
}

func (u *UI) regionEdit(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	g, err := u.Org.Region(r.Context(), httpx.Principal(r), id)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	u.renderRegionForm(w, r, http.StatusOK, &g, nil)
}

func (u *UI) regionUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	p := httpx.Principal(r)
	g, err := u.Org.Region(r.Context(), p, id)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	in := org.RegionInput{Code: r.PostFormValue("code"), Name: r.PostFormValue("name")}
	if _, err := u.Org.UpdateRegion(r.Context(), p, id, in); err != nil {
		u.renderRegionForm(w, r, 0, &g, err)
		return
	}
	redirect(w, r, "/admin/regions", "saved")
}
