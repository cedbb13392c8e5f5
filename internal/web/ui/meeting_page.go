package ui

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

// agendaRow is a point of the agenda: a case (as the reader sees it) or a finding.
type agendaRow struct {
	store.MeetingItem
	Case      *model.Case
	Decisions []decisionRow
}

// decisionRow is a decision with the names it shows.
type decisionRow struct {
	store.MeetingDecision
	Department string
	LevelKey   string // the catalogue's name of its level: a supervision's or a warning's
}

func decisionOf(d store.MeetingDecision, dept string) decisionRow {
	row := decisionRow{MeetingDecision: d, Department: dept}
	switch {
	case d.Level == "":
	case d.Action == string(workflow.ActionSupervise):
		row.LevelKey = "supervision_level." + d.Level
	case d.Action == string(workflow.ActionWarningAdjust):
		row.LevelKey = "risk_level." + d.Level
	}
	return row
}

type meetingData struct {
	M           store.Meeting
	Agenda      []agendaRow
	Decisions   []decisionRow
	Kinds       []string
	Leaders     []model.User
	Departments []model.Department
	Actions     []workflow.Action
	Selected    map[int64]bool // the meeting's departments
}

// meetingPage shows a meeting: its particulars and minutes (editable), its agenda
// (cases and findings), and the decisions taken on the agenda's cases, each carried
// out on its case.
func (u *UI) meetingPage(w http.ResponseWriter, r *http.Request) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	u.renderMeeting(w, r, id, http.StatusOK, nil)
}

func (u *UI) renderMeeting(w http.ResponseWriter, r *http.Request, id int64, status int, formErr error) {
	ctx := r.Context()
	p := httpx.Principal(r)
	m, err := u.Cases.Meeting(ctx, p, id)
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	page := u.newPage(r, "meeting.title")
	page.Active = "nav.meetings"
	data := &meetingData{M: m, Kinds: cases.MeetingKinds, Actions: cases.DecisionActions, Selected: map[int64]bool{}}
	if data.Leaders, data.Departments, err = u.meetingChoices(r); err != nil {
		u.renderError(w, r, err)
		return
	}
	deptName := map[int64]string{}
	for _, d := range data.Departments {
		deptName[d.ID] = d.Name
	}
	for _, d := range m.DepartmentIDs {
		data.Selected[d] = true
	}
	byCase := map[int64][]decisionRow{}
	for _, d := range m.Decisions {
		row := decisionOf(d, deptName[d.DepartmentID])
		byCase[d.CaseID] = append(byCase[d.CaseID], row)
		data.Decisions = append(data.Decisions, row)
	}
	for _, it := range m.Items {
		row := agendaRow{MeetingItem: it, Decisions: byCase[it.CaseID]}
		if it.CaseID != 0 {
			if c, err := u.Cases.Get(ctx, p, it.CaseID); err == nil {
				row.Case = &c
			}
		}
		data.Agenda = append(data.Agenda, row)
	}
	page.Data = data
	page.Form = url.Values{"kind": {m.Kind}, "title": {m.Title}, "held_on": {m.HeldOn}, "convenor_id": {fmt.Sprint(m.ConvenorID)},
		"place": {m.Place}, "attendees": {m.Attendees}, "minutes": {m.Minutes}}
	if formErr != nil {
		ce := classify(r, formErr)
		if ce == nil {
			u.renderError(w, r, formErr)
			return
		}
		for k, v := range r.PostForm {
			page.Form[k] = v
		}
		page.Errors = map[string]string{ce.Field: ce.Message}
		page.Error = meetingFields.Prefixed(page.Locale, ce.Field, ce.Message)
		status = ce.Status
	}
	u.render(w, r, status, "meeting.html", page)
}

// meetingUpdate saves a meeting's particulars and minutes.
func (u *UI) meetingUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := u.postedTo(w, r, "id")
	if !ok {
		return
	}
	in, err := meetingForm(r)
	if err == nil {
		if _, err = u.Cases.UpdateMeeting(r.Context(), httpx.Principal(r), id, in); err == nil {
			redirect(w, r, fmt.Sprintf("/meetings/%d", id), "saved")
			return
		}
	}
	u.renderMeeting(w, r, id, 0, err)
}
