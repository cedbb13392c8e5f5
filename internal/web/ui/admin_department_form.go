package ui

import (
	"net/http"
	"strconv"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

type departmentForm struct {
	Department *model.Department
	Regions    []regionRow
}

func (u *UI) renderDepartmentForm(w http.ResponseWriter, r *http.Request, d *model.Department, err error) {
	p := httpx.Principal(r)
	regions, lerr := u.Org.Regions(r.Context(), p, true)
	if lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	var rows []regionRow
	for _, row := range treeRows(regions, p.Region) {
		if row.Level != model.LevelGrid && row.Level != model.LevelVillage {
			rows = append(rows, row)
		}
	}
	title := "departments.new"
	if d != nil {
		title = "departments.edit"
	}
	page := u.newPage(r, title)
	page.Active = "nav.departments"
	page.Data = departmentForm{Department: d, Regions: rows}
	if err != nil {
		u.formError(w, r, "admin_department_form.html", page, err)
		return
	}
	if d != nil {
		page.Form = map[string][]string{"code": {d.Code}, "name": {d.Name}, "region_id": {strconv.FormatInt(d.RegionID, 10)}}
	}
	u.render(w, r, http.StatusOK, "admin_department_form.html", page)
}

func (u *UI) departmentNew(w http.ResponseWriter, r *http.Request) {
	u.renderDepartmentForm(w, r, nil, nil)
}

func (u *UI) departmentCreate(w http.ResponseWriter, r *http.Request) {
	regionID, err := httpx.FormInt(r, "region_id")
	if err == nil {
		in := org.DepartmentInput{RegionID: regionID, Code: r.PostFormValue("code"), Name: r.PostFormValue("name")}
		_, err = u.Org.CreateDepartment(r.Context(), httpx.Principal(r), in)
	}
	if err != nil {
		u.renderDepartmentForm(w, r, nil, err)
		return
	}
	redirect(w, r, "/admin/departments", "saved")
}

func (u *UI) departmentEdit(w http.ResponseWriter, r *http.Request) {
	d, err := u.departmentFromPath(r)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	u.renderDepartmentForm(w, r, &d, nil)
}

func (u *UI) departmentFromPath(r *http.Request) (model.Department, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return model.Department{}, err
	}
	return u.Org.Department(r.Context(), httpx.Principal(r), id)
}

func (u *UI) departmentUpdate(w http.ResponseWriter, r *http.Request) {
	d, err := u.departmentFromPath(r)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	in := org.DepartmentInput{Code: r.PostFormValue("code"), Name: r.PostFormValue("name")}
	if _, err := u.Org.UpdateDepartment(r.Context(), httpx.Principal(r), d.ID, in); err != nil {
		u.renderDepartmentForm(w, r, &d, err)
		return
	}
	redirect(w, r, "/admin/departments", "saved")
}
