package ui

import (
	"net/http"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/org"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

type rosterData struct {
	org.Roster
	Date    string         // the day shown, YYYY-MM-DD
	Centres []model.Region // the centres whose roster the user may read, for the picker
	Modes   []workflow.StationMode
	Kinds   []workflow.DutyKind
}

// rosterDay reads ?day=, today (China time) when absent; a malformed one is a field
// error naming it.
func rosterDay(q *httpx.Query, now time.Time) (time.Time, error) {
	s := q.String("day")
	if s == "" {
		return now, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, s, workflow.ChinaTime)
	if err != nil {
		return now, model.Invalid("day", "invalid", "invalid.date.invalid")
	}
	return d.Add(12 * time.Hour), nil // midday: the day, whatever the zone reads it in
}

// roster is 今日在岗: who is at the centre on a day — the departments stationed there
// and the leaders on duty — so the desk knows whom to send a walk-in to.
func (u *UI) roster(w http.ResponseWriter, r *http.Request) {
	p := httpx.Principal(r)
	ctx := r.Context()
	q := httpx.PageQuery(r)
	centre := q.Int("centre_id", 0, 1<<62)
	day, err := rosterDay(q, u.Cases.Now())
	if err == nil {
		err = q.Err()
	}
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	cal, err := u.Cases.Calendar(ctx)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	ro, err := u.Org.Roster(ctx, p, centre, day, cal)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	d := &rosterData{Roster: ro, Date: day.In(workflow.ChinaTime).Format(time.DateOnly), Modes: workflow.StationModes, Kinds: workflow.DutyKinds}
	if d.Centres, err = u.rosterCentres(r, p.Region); err != nil {
		u.renderError(w, r, err)
		return
	}
	page := u.newPage(r, "roster.title")
	page.Active = "nav.roster"
	page.Form = q.Values()
	page.Data = d
	u.render(w, r, http.StatusOK, "roster.html", page)
}

// rosterCentres are the centres of the user's region path and subtree, above grids.
func (u *UI) rosterCentres(r *http.Request, own model.Region) ([]model.Region, error) {
	ctx := r.Context()
	var out []model.Region
	for id := own.ParentID; id != 0; {
		g, err := u.Store.Region(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append([]model.Region{g}, out...)
		id = g.ParentID
	}
	regions, err := u.Org.Regions(ctx, httpx.Principal(r), true)
	if err != nil {
		return nil, err
	}
	for _, g := range regions {
		if g.Level != model.LevelGrid && g.Level != model.LevelVillage {
			out = append(out, g)
		}
	}
	return out, nil
}

// deskRoster is today's roster of the clerk's centre for the intake form, nil when it
// cannot be had (the form still works).
func (u *UI) deskRoster(r *http.Request) *org.Roster {
	p := httpx.Principal(r)
	cal, err := u.Cases.Calendar(r.Context())
	if err != nil {
		return nil
	}
	ro, err := u.Org.Roster(r.Context(), p, 0, u.Cases.Now(), cal)
	if err != nil {
		return nil
	}
	return &ro
}
