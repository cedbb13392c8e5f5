package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
	"github.com/onedoor/onedoor/internal/workflow"
)

// meetingFields names the fields of the meeting forms.
var meetingFields = httpx.Fields{Prefix: "meeting.field.", Sep: " "}

type meetingListData struct {
	Meetings    []store.Meeting
	Kinds       []string
	Leaders     []model.User
	Departments []model.Department
	Selected    map[int64]bool // the departments ticked when the form comes back refused
}

// meetingForm reads a meeting's form.
func meetingForm(r *http.Request) (cases.MeetingInput, error) {
	in := cases.MeetingInput{Kind: r.PostFormValue("kind"), Title: r.PostFormValue("title"), HeldOn: r.PostFormValue("held_on"),
		Place: r.PostFormValue("place"), Attendees: r.PostFormValue("attendees"), Minutes: r.PostFormValue("minutes")}
	var err error
	if in.ConvenorID, err = httpx.FormInt(r, "convenor_id"); err != nil {
		return in, err
	}
	in.DepartmentIDs, err = httpx.FormIDs(r, "department_ids")
	return in, err
}

// meetingChoices are the leaders who may convene and the departments who may attend
// a meeting of p's centre.
func (u *UI) meetingChoices(r *http.Request) ([]model.User, []model.Department, error) {
	p := httpx.Principal(r)
	leaders, err := u.Cases.Store.Users(r.Context(), store.UserFilter{Within: p.Region.Path, Role: model.RoleLeader, ActiveOnly: true})
	if err != nil {
		return nil, nil, err
	}
	depts, err := u.Cases.Store.Departments(r.Context(), store.DepartmentFilter{ActiveOnly: true})
	return leaders, depts, err
}

// meetingList lists the meetings (会商研判, 联席会议) of one's centres, with the form
// recording a new one.
func (u *UI) meetingList(w http.ResponseWriter, r *http.Request) {
	u.renderMeetingList(w, r, http.StatusOK, nil)
}

func (u *UI) renderMeetingList(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	page := u.newPage(r, "meeting.list_title")
	page.Active = "nav.meetings"
	data := &meetingListData{Kinds: cases.MeetingKinds, Selected: map[int64]bool{}}
	if formErr != nil {
		ids, _ := httpx.FormIDs(r, "department_ids")
		for _, id := range ids {
			data.Selected[id] = true
		}
	}
	var err error
	if data.Meetings, err = u.Cases.Meetings(r.Context(), httpx.Principal(r)); err == nil {
		data.Leaders, data.Departments, err = u.meetingChoices(r)
	}
	if err != nil {
		u.renderError(w, r, err)
		return
	}
	page.Data = data
	if formErr != nil {
		ce := classify(r, formErr)
		if ce == nil {
			u.renderError(w, r, formErr)
			return
		}
		page.Form = r.PostForm
		page.Errors = map[string]string{ce.Field: ce.Message}
		page.Error = meetingFields.Prefixed(page.Locale, ce.Field, ce.Message)
		status = ce.Status
	} else {
		page.Form = url.Values{"held_on": {time.Now().In(workflow.ChinaTime).Format(time.DateOnly)}, "kind": {"consult"},
			"convenor_id": {fmt.Sprint(httpx.Principal(r).User.ID)}}
	}
	u.render(w, r, status, "meetings.html", page)
}

// meetingCreate records a meeting and opens its page, where its agenda is made.
func (u *UI) meetingCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		u.renderError(w, r, httpx.Errorf(r, http.StatusBadRequest, "malformed_form", ""))
		return
	}
	in, err := meetingForm(r)
	if err == nil {
		var m store.Meeting
		if m, err = u.Cases.CreateMeeting(r.Context(), httpx.Principal(r), in); err == nil {
			http.Redirect(w, r, fmt.Sprintf("/meetings/%d", m.ID), http.StatusSeeOther)
			return
		}
	}
	u.renderMeetingList(w, r, 0, err)
}
