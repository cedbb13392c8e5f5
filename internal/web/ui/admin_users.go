package ui

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

type userRow struct {
	model.User
	RegionName     string
	DepartmentName string
}

type userListData struct {
	Rows  []userRow
	Roles []model.Role
	Role  string
}

// userList shows the users of the admin's subtree, optionally of one role.
func (u *UI) userList(w http.ResponseWriter, r *http.Request) {
	p := httpx.Principal(r)
	role := model.Role(httpx.PageQuery(r).String("role"))
	if role != "" && !role.Valid() {
		role = ""
	}
	users, err := u.Org.Users(r.Context(), p, store.UserFilter{Role: role})
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	names, err := u.regionNames(r)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	deps, err := u.Org.Departments(r.Context(), p, false)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	depNames := map[int64]string{}
	for _, d := range deps {
		depNames[d.ID] = d.Name
	}
	rows := make([]userRow, len(users))
	for i, us := range users {
		rows[i] = userRow{User: us, RegionName: names[us.RegionID], DepartmentName: depNames[us.DepartmentID]}
	}
	page := u.newPage(r, "users.title")
	page.Active = "nav.users"
	page.Data = userListData{Rows: rows, Roles: model.AllRoles, Role: string(role)}
	u.render(w, r, http.StatusOK, "admin_users.html", page)
}
