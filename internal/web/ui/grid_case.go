package ui

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

// gridEvents is how many of the last timeline entries the compact page shows.
const gridEvents = 5

// gridPresets are the catalogue keys of the return-visit notes offered as buttons.
var gridPresets = []string{"grid.preset.calm", "grid.preset.resolved", "grid.preset.hazard"}

// gridNotices are the notices the grid pages show after a redirect (?done=code).
var gridNotices = map[string]string{
	"reported": "grid.notice.reported",
	"recorded": "grid.notice.recorded",
	"visited":  "grid.notice.visited",
	"reopened": "grid.notice.reopened",
}

type gridCaseData struct {
	Case          model.Case // parties masked
	Category      string
	CategoryNames map[string]string // every category's name by its code
	Place         string
	Due           workflow.Status
	Risk          string
	Fired         []risk.Fired
	Visits        int // return visits since the warning's level was set
	Events        []eventRow
	Attachments   []attachmentRow
	Presets       []string // the preset notes, in the page's language
	CanRecord     bool     // may record a return visit (the record action)
	CanVisit      bool     // the case is verified: the return visit with satisfaction
	Satisfactions []workflow.Satisfaction
	Failed        string // the form the page refused: "return_visit" or "visit"
}

// gridCase shows the compact case page a grid worker needs in the field.
func (u *UI) gridCase(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	u.renderGridCase(w, r, id, http.StatusOK, "", nil)
}

func (u *UI) renderGridCase(w http.ResponseWriter, r *http.Request, id int64, status int, failed string, ce *caseError) {
	p := httpx.Principal(r)
	ctx := r.Context()
	c, err := u.Cases.Get(ctx, p, id)
	if err == nil && !inRegion(&c, p.Region) {
		err = store.ErrNotFound // the grid pages are about the worker's own area
	}
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	loc := httpx.Locale(r)
	for i := range c.Parties {
		c.Parties[i] = c.Parties[i].Masked()
	}
	d := gridCaseData{Case: c, Due: u.Cases.DueStatus(&c, u.Cases.Now()), Risk: gridLevel(c.RiskLevel), Visits: c.RiskVisits,
		Satisfactions: workflow.AllSatisfactions, Failed: failed}
	if res, ok, err := u.Cases.RiskResultFor(ctx, p, &c); err != nil {
		u.renderError(w, r, err)
		return
	} else if ok && d.Risk != risk.LevelNone.String() {
		d.Fired = res.Fired
	}
	_, catIdx, err := u.categories(ctx, false)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	d.Category, d.CategoryNames = catIdx.Name(c.CategoryID), catIdx.ByCode()
	d.Place = newNamer(u.Store, nil).place(ctx, c.RegionPath, p.Region)
	evs, err := u.Cases.Timeline(ctx, p, &c)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	for i := len(evs) - 1; i >= 0 && len(d.Events) < gridEvents; i-- {
		d.Events = append(d.Events, eventRow{CaseEvent: evs[i], Code: caseActionCode(evs[i].Action), Detail: detailOf(evs[i].Payload)})
	}
	atts, err := u.Store.Attachments(ctx, c.ID)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	for _, a := range atts {
		d.Attachments = append(d.Attachments, attachmentRow{Attachment: a, Size: sizeText(a.Size)})
	}
	allowed, err := u.Cases.Allowed(ctx, p, &c)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	d.CanRecord = slices.Contains(allowed, workflow.ActionRecord)
	d.CanVisit = slices.Contains(allowed, workflow.ActionVisit)
	for _, k := range gridPresets {
		d.Presets = append(d.Presets, i18n.T(loc, k))
	}
	page := u.newPage(r, "grid.case.title")
	page.Active = "nav.grid"
	if key, ok := gridNotices[httpx.PageQuery(r).String("done")]; ok { // a notice only
		page.Notice = key
	}
	page.Data = d
	page.CategoryNames = d.CategoryNames
	if ce != nil {
		page.Form = r.PostForm
		page.Errors = map[string]string{ce.Field: ce.Message}
		page.Error = ce.Message
	}
	u.render(w, r, status, "grid_case.html", page)
}

// gridCaseAct takes one of the compact page's one-tap actions: return_visit records a
// return visit (the record action with incident return_visit, which counts toward
// stepping a warning down), with a preset or typed note; visit is the return visit
// of a verified case with the party's satisfaction.
func (u *UI) gridCaseAct(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	action := r.PathValue("action")
	if action != "return_visit" && action != "visit" {
		u.renderError(w, r, store.ErrNotFound)
		return
	}
	if err := r.ParseForm(); err != nil {
		u.renderError(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
		return
	}
	p := httpx.Principal(r)
	// The case must be in the worker's area, as on the page.
	c, err := u.Cases.Get(r.Context(), p, id)
	if err == nil && !inRegion(&c, p.Region) {
		err = store.ErrNotFound
	}
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	note := gridNote(r.PostForm.Get("preset"), r.PostForm.Get("note"))
	done := "recorded"
	if action == "return_visit" {
		_, err = u.Cases.Act(r.Context(), p, id, workflow.ActionRecord, cases.ActInput{Incident: model.IncidentReturnVisit, Note: note})
	} else {
		in := cases.ActInput{Satisfaction: r.PostForm.Get("satisfaction"), Note: note, SeenState: r.PostForm.Get("state")}
		var after model.Case
		after, err = u.Cases.Act(r.Context(), p, id, workflow.ActionVisit, in)
		done = "visited"
		if err == nil && after.State != string(workflow.StateFollowedUp) {
			done = "reopened"
		}
	}
	if err != nil {
		ce := classify(r, err)
		if ce == nil {
			u.renderError(w, r, err)
			return
		}
		u.renderGridCase(w, r, id, ce.Status, action, ce)
		return
	}
	http.Redirect(w, r, "/grid/cases/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
}

// gridNote joins the preset tapped and what was typed: 「矛盾已化解；双方已握手」.
func gridNote(preset, typed string) string {
	preset, typed = strings.TrimSpace(preset), strings.TrimSpace(typed)
	switch {
	case preset == "":
		return typed
	case typed == "":
		return preset
	}
	return preset + "；" + typed
}
