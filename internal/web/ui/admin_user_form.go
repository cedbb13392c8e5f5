package ui

import (
	"net/http"
	"strconv"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

type userForm struct {
	User        *model.User
	Regions     []regionRow
	Departments []departmentRow
	Roles       []model.Role
	Locales     []string
	Checked     map[model.Role]bool
}

func (u *UI) renderUserForm(w http.ResponseWriter, r *http.Request, us *model.User, err error) {
	p := httpx.Principal(r)
	regions, lerr := u.Org.Regions(r.Context(), p, true)
	if lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	deps, lerr := u.Org.Departments(r.Context(), p, true)
	if lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	names := map[int64]string{}
	for _, g := range regions {
		names[g.ID] = g.Name
	}
	depRows := make([]departmentRow, len(deps))
	for i, d := range deps {
		depRows[i] = departmentRow{Department: d, RegionName: names[d.RegionID]}
	}
	title := "users.new"
	if us != nil {
		title = "users.edit"
	}
	page := u.newPage(r, title)
	page.Active = "nav.users"
	data := userForm{User: us, Regions: treeRows(regions, p.Region), Departments: depRows, Roles: model.AllRoles,
		Locales: model.Locales, Checked: map[model.Role]bool{}}
	if err != nil {
		for _, role := range r.PostForm["roles"] {
			data.Checked[model.Role(role)] = true
		}
		page.Data = data
		u.formError(w, r, "admin_user_form.html", page, err)
		return
	}
	if us != nil {
		for _, role := range us.Roles {
			data.Checked[role] = true
		}
		page.Form = map[string][]string{"display_name": {us.DisplayName}, "phone": {us.Phone}, "email": {us.Email}, "locale": {us.Locale},
			"region_id": {strconv.FormatInt(us.RegionID, 10)}, "department_id": {strconv.FormatInt(us.DepartmentID, 10)}}
	}
	page.Data = data
	u.render(w, r, http.StatusOK, "admin_user_form.html", page)
}

func userInput(r *http.Request) (org.UserInput, error) {
	in := org.UserInput{Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("display_name"),
		Phone: r.PostFormValue("phone"), Email: r.PostFormValue("email"), Locale: r.PostFormValue("locale"), Password: r.PostFormValue("password")}
	for _, role := range r.PostForm["roles"] {
		in.Roles = append(in.Roles, model.Role(role))
	}
	var err error
	if in.RegionID, err = httpx.FormInt(r, "region_id"); err != nil {
		return in, err
	}
	in.DepartmentID, err = httpx.FormInt(r, "department_id")
	return in, err
}

func (u *UI) userNew(w http.ResponseWriter, r *http.Request) { u.renderUserForm(w, r, nil, nil) }

func (u *UI) userCreate(w http.ResponseWriter, r *http.Request) {
	in, err := userInput(r)
	if err == nil {
		_, err = u.Org.CreateUser(r.Context(), httpx.Principal(r), in)
	}
	if err != nil {
		u.renderUserForm(w, r, nil, err)
		return
	}
	redirect(w, r, "/admin/users", "saved")
}

func (u *UI) userFromPath(r *http.Request) (model.User, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return model.User{}, err
	}
	return u.Org.User(r.Context(), httpx.Principal(r), id)
}

func (u *UI) userEdit(w http.ResponseWriter, r *http.Request) {
	us, err := u.userFromPath(r)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	u.renderUserForm(w, r, &us, nil)
}

func (u *UI) userUpdate(w http.ResponseWriter, r *http.Request) {
	us, err := u.userFromPath(r)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	in, err := userInput(r)
	if err == nil {
		_, err = u.Org.UpdateUser(r.Context(), httpx.Principal(r), us.ID, in)
	}
	if err != nil {
		u.renderUserForm(w, r, &us, err)
		return
	}
	redirect(w, r, "/admin/users", "saved")
}
