package ui

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

type rotaData struct {
	org.Rota
	Centres     []regionRow // the admin's centres, for the picker
	Departments []departmentOption
	Leaders     []model.User // the centre's active leaders, for a turn
	Modes       []workflow.StationMode
	Kinds       []workflow.DutyKind
	Today       string
}

// rotaURL is the rota page of a centre.
func rotaURL(centre int64) string {
	return "/admin/roster?" + url.Values{"centre_id": {strconv.FormatInt(centre, 10)}}.Encode()
}

// renderRota shows a centre's rota: its stationed departments and its leaders' turns,
// with the forms to change them; err, when set, is the form the admin just sent.
func (u *UI) renderRota(w http.ResponseWriter, r *http.Request, centre int64, err error) {
	p := httpx.Principal(r)
	ctx := r.Context()
	now := u.Cases.Now()
	rota, lerr := u.Org.Rota(ctx, p, centre, now)
	if lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	d := &rotaData{Rota: rota, Modes: workflow.StationModes, Kinds: workflow.DutyKinds, Today: now.In(workflow.ChinaTime).Format("2006-01-02")}
	regions, lerr := u.Org.Regions(ctx, p, true)
	if lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	var centres []model.Region
	for _, g := range regions {
		if g.Level != model.LevelGrid {
			centres = append(centres, g)
		}
	}
	d.Centres = treeRows(centres, p.Region)
	if d.Departments, lerr = u.reachableDepartments(ctx, rota.Centre); lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	if d.Leaders, lerr = u.Store.ActiveUsers(ctx, store.UserFilter{RegionID: rota.Centre.ID, Role: model.RoleLeader}); lerr != nil {
		u.renderError(w, r, lerr)
		return
	}
	page := u.newPage(r, "rota.title")
	page.Active = "nav.roster_admin"
	page.Data = d
	if err != nil {
		u.formError(w, r, "admin_roster.html", page, err)
		return
	}
	u.render(w, r, http.StatusOK, "admin_roster.html", page)
}

// rotaPage is the admin's rota of a centre (?centre_id=, their own by default).
func (u *UI) rotaPage(w http.ResponseWriter, r *http.Request) {
	q := httpx.PageQuery(r)
	centre := q.Int("centre_id", 0, 1<<62)
	if err := q.Err(); err != nil {
		u.renderError(w, r, err)
		return
	}
	u.renderRota(w, r, centre, nil)
}

// rotaCentre reads the centre a rota form is for.
func rotaCentre(r *http.Request) (int64, error) { return httpx.FormInt(r, "centre_id") }

// stationSave stations a department at the centre, or changes how.
func (u *UI) stationSave(w http.ResponseWriter, r *http.Request) {
	centre, err := rotaCentre(r)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	dep, err := httpx.FormInt(r, "department_id")
	if err == nil {
		in := org.StationInput{CentreID: centre, DepartmentID: dep, Mode: r.PostFormValue("mode"), Weekdays: r.PostFormValue("weekdays"),
			Place: r.PostFormValue("place"), Phone: r.PostFormValue("phone")}
		_, err = u.Org.SaveStation(r.Context(), httpx.Principal(r), in)
	}
	if err != nil {
		u.renderRota(w, r, centre, err)
		return
	}
	redirect(w, r, rotaURL(centre), "station_saved")
}

// stationDelete ends a department's station at the centre.
func (u *UI) stationDelete(w http.ResponseWriter, r *http.Request) {
	u.rotaDelete(w, r, u.Org.DeleteStation, "station_deleted")
}

// rotaDelete takes the {id} row off the rota of the form's centre with del.
func (u *UI) rotaDelete(w http.ResponseWriter, r *http.Request, del func(context.Context, *auth.Principal, int64, int64) error, notice string) {
	id, err := httpx.PathID(r, "id")
	centre, cerr := rotaCentre(r)
	if err == nil {
		err = cerr
	}
	if err == nil {
		err = del(r.Context(), httpx.Principal(r), centre, id)
	}
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	redirect(w, r, rotaURL(centre), notice)
}

// shiftAdd puts a leader's turn on the rota.
func (u *UI) shiftAdd(w http.ResponseWriter, r *http.Request) {
	centre, err := rotaCentre(r)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	user, err := httpx.FormInt(r, "user_id")
	if err == nil {
		in := org.ShiftInput{CentreID: centre, UserID: user, Kind: r.PostFormValue("kind"), FromDay: r.PostFormValue("from_day"),
			ToDay: r.PostFormValue("to_day"), Note: r.PostFormValue("note")}
		_, err = u.Org.AddShift(r.Context(), httpx.Principal(r), in)
	}
	if err != nil {
		u.renderRota(w, r, centre, err)
		return
	}
	redirect(w, r, rotaURL(centre), "shift_added")
}

// shiftDelete takes a turn off the rota.
func (u *UI) shiftDelete(w http.ResponseWriter, r *http.Request) {
	u.rotaDelete(w, r, u.Org.DeleteShift, "shift_deleted")
}
