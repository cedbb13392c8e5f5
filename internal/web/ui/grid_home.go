package ui

import (
	"net/http"
	"time"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

// gridListLimit bounds each part of the grid worker's list; the desk's queues hold
// the long tail.
const gridListLimit = 100

// gridRow is one case of the grid worker's list.
type gridRow struct {
	ID           int64
	TrackingCode string
	Title        string
	Place        string
	State        string
	Due          workflow.Status
	DueAt        *time.Time
	Risk         string // the warning in force: none, blue, yellow, orange, red
}

type gridHomeData struct {
	Warned []gridRow // under a warning, the most serious first
	Visits []gridRow // verified: awaiting the return visit
	Others []gridRow // every other open case, newest first
	Counts cases.LevelCounts
	Region string
	// Planned []visitRow: the dated visits of follow-up plans in the area, missed first
	// by date, soonest first.
	Planned []visitRow
}

// gridHome is the grid worker's phone home: the open cases of their region subtree,
// warned cases first with their colour, then those awaiting a return visit, then the
// rest, each a large link to the compact case page.
func (u *UI) gridHome(w http.ResponseWriter, r *http.Request) {
	p := httpx.Principal(r)
	ctx := r.Context()
	now := u.Cases.Now()
	names := newNamer(u.Store, nil)
	seen := map[int64]bool{}
	row := func(c *model.Case) gridRow {
		seen[c.ID] = true
		g := gridRow{ID: c.ID, TrackingCode: c.TrackingCode, Title: c.Title, Place: names.place(ctx, c.RegionPath, p.Region),
			State: c.State, Due: u.Cases.DueStatus(c, now), DueAt: c.DueAt, Risk: gridLevel(c.RiskLevel)}
		if c.Address != "" {
			if g.Place != "" {
				g.Place += " · "
			}
			g.Place += c.Address
		}
		return g
	}
	d := gridHomeData{Region: p.Region.Name}
	planned, err := u.Cases.AreaVisits(ctx, p)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	d.Planned = visitRows(planned)

	warned, err := u.Cases.Warnings(ctx, p, "")
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	for i := range warned {
		c := &warned[i].Case
		if !workflow.State(c.State).Open() || !inRegion(c, p.Region) {
			continue
		}
		d.Warned = append(d.Warned, row(c))
		switch gridLevel(c.RiskLevel) {
		case risk.LevelRed.String():
			d.Counts.Red++
		case risk.LevelOrange.String():
			d.Counts.Orange++
		case risk.LevelYellow.String():
			d.Counts.Yellow++
		case risk.LevelBlue.String():
			d.Counts.Blue++
		}
	}
	visits, err := u.Cases.List(ctx, p, store.CaseFilter{States: []string{string(workflow.StateVerified)}, Within: p.Region.Path, Limit: gridListLimit})
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	for i := range visits {
		if !seen[visits[i].ID] {
			d.Visits = append(d.Visits, row(&visits[i]))
		}
	}
	var others []string
	for _, s := range workflow.AllStates {
		if s.Open() && s != workflow.StateVerified {
			others = append(others, string(s))
		}
	}
	rest, err := u.Cases.List(ctx, p, store.CaseFilter{States: others, Within: p.Region.Path, Limit: gridListLimit})
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	for i := range rest {
		if !seen[rest[i].ID] {
			d.Others = append(d.Others, row(&rest[i]))
		}
	}
	page := u.newPage(r, "grid.title")
	page.Active = "nav.grid"
	page.Data = d
	u.render(w, r, http.StatusOK, "grid_home.html", page)
}

// inRegion reports whether c lies in the subtree of region: the grid pages show the
// worker's area only, never a case that merely reached them through a department.
func inRegion(c *model.Case, region model.Region) bool {
	return len(c.RegionPath) >= len(region.Path) && c.RegionPath[:len(region.Path)] == region.Path
}

// gridLevel reads a stored warning code; anything unknown reads as none.
func gridLevel(code string) string {
	l, err := risk.ParseLevel(code)
	if err != nil {
		return risk.LevelNone.String()
	}
	return l.String()
}
